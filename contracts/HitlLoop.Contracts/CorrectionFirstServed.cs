namespace HitlLoop.Contracts;

/// <summary>
/// PatternLearner's guidance returned an accepted correction to a chat product for the first time: from then on the
/// bot can avoid the mistake. Published once per correction; the delay from acceptance is the loop's time to improve.
/// </summary>
public sealed record CorrectionFirstServed
{
    /// <summary>The golden example id of the correction.</summary>
    public required string CorrectionId { get; init; }

    public required string ProductId { get; init; }
    public string? Category { get; init; }

    /// <summary>When Feedback accepted the correction.</summary>
    public DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When guidance first returned it.</summary>
    public DateTimeOffset ServedAt { get; init; }
}
