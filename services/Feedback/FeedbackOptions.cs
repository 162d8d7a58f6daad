using System.ComponentModel.DataAnnotations;
using HitlLoop.Feedback.Agreement;

namespace HitlLoop.Feedback;

/// <summary>The "Feedback" section: when a reviewer's correction is good enough to become training data.</summary>
public sealed class FeedbackOptions
{
    public const string Section = "Feedback";

    /// <summary>A correction more similar than this to the original teaches nothing and is rejected.</summary>
    [Range(0.0, 1.0)]
    public double MaxSimilarity { get; set; } = 0.95;

    /// <summary>A corrected text shorter than this (after trimming) is taken as incomplete and rejected.</summary>
    [Range(1, 100_000)]
    public int MinCorrectionLength { get; set; } = 10;

    /// <summary>Corrections from reviewers whose measured agreement is below this are rejected.</summary>
    [Range(0.0, 1.0)]
    public double MinReviewerAgreement { get; set; } = 0.7;

    /// <summary>Multi-reviewed items a reviewer's agreement must rest on before it can reject their corrections.</summary>
    [Range(1, 100_000)]
    public int MinAgreementItems { get; set; } = 20;

    /// <summary>How a multi-reviewed item's verdicts decide it; anything else goes to a lead.</summary>
    public ConsensusRule ConsensusRule { get; set; } = ConsensusRule.Unanimous;
}
