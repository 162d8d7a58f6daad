using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>What Feedback knows about a reviewer's reliability.</summary>
public sealed record ReviewerStats : IDocument
{
    /// <summary>The reviewer id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public long ReviewsCompleted { get; init; }

    /// <summary>
    /// Share of this reviewer's verdicts that other reviewers of the same item agreed with (pairs of verdicts). Null
    /// until items are reviewed by more than one person: a made-up starting value would decide whose corrections are trusted.
    /// </summary>
    public double? AgreementRate { get; init; }

    /// <summary>Multi-reviewed items the agreement rests on.</summary>
    public long ItemsCompared { get; init; }

    public long PairsCompared { get; init; }
    public long PairsAgreed { get; init; }
    public DateTime? AgreementMeasuredAt { get; init; }

    /// <summary>The agreement, once it rests on <paramref name="minItems"/> items or more; before that, null (not yet judged).</summary>
    public double? Reliability(int minItems) => ItemsCompared >= minItems ? AgreementRate : null;

    public DateTime LastReviewAt { get; init; }
}
