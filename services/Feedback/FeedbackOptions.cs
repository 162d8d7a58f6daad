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

    public AlertOptions Alerts { get; set; } = new();
}

/// <summary>The "Feedback:Alerts" section: how the loop's metrics are watched against their targets.</summary>
public sealed class AlertOptions
{
    /// <summary>False stops the evaluation (and so the gauges and AlertRaised events).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the metrics are evaluated.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Each evaluation measures the last this many days.</summary>
    [Range(1, 90)]
    public int WindowDays { get; set; } = 7;

    /// <summary>A metric resting on fewer items (responses, reviews, items, reactions) neither breaches nor recovers.</summary>
    [Range(1, 1_000_000)]
    public int MinSamples { get; set; } = 20;
}
