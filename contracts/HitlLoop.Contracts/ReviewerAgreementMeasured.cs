namespace HitlLoop.Contracts;

/// <summary>
/// Feedback measured how often a reviewer agrees with the other reviewers of the same items; ReviewQueue keeps it
/// in the reviewer's stats.
/// </summary>
public sealed record ReviewerAgreementMeasured
{
    public required string ReviewerId { get; init; }

    /// <summary>Share of compared reviews in agreement, 0..1.</summary>
    public double Agreement { get; init; }

    /// <summary>How many multi-review items the figure rests on.</summary>
    public int ItemsCompared { get; init; }

    public DateTimeOffset MeasuredAt { get; init; }
}
