namespace HitlLoop.Contracts;

/// <summary>Whether a loop metric has just crossed its target or come back within it.</summary>
public enum AlertState
{
    Breached,
    Recovered,
}

/// <summary>
/// One of the loop's metrics crossed its target (<see cref="AlertState.Breached"/>) or came back within it
/// (<see cref="AlertState.Recovered"/>) over the window Feedback evaluates. Published once per crossing, not on
/// every evaluation.
/// </summary>
public sealed record AlertRaised
{
    /// <summary>Unique per crossing: consumers dedupe on it.</summary>
    public required string AlertId { get; init; }

    /// <summary>The metric's name, e.g. review_rate or reviewer_agreement.</summary>
    public required string Metric { get; init; }

    /// <summary>The product measured; null for all products together.</summary>
    public string? ProductId { get; init; }

    public AlertState State { get; init; }

    /// <summary>The measured value over the window, in the metric's unit (a share in 0..1, or seconds).</summary>
    public double Value { get; init; }

    /// <summary>The seeds' target, e.g. "&lt; 10%".</summary>
    public required string Target { get; init; }

    /// <summary>The limit the target sets, in the value's unit.</summary>
    public double Limit { get; init; }

    /// <summary>Items the value rests on (responses, reviews, items or reactions).</summary>
    public long Samples { get; init; }

    public int WindowDays { get; init; }
    public DateTimeOffset WindowStart { get; init; }
    public DateTimeOffset WindowEnd { get; init; }
    public DateTimeOffset RaisedAt { get; init; }
}
