using System.ComponentModel.DataAnnotations;

namespace HitlLoop.Router;

/// <summary>The "Router" section: review triggers and their thresholds.</summary>
public sealed class RouterOptions
{
    public const string Section = "Router";

    /// <summary>Below this confidence a response goes to review. New products start strict (0.9).</summary>
    [Range(0.0, 1.0)]
    public double DefaultConfidenceThreshold { get; set; } = 0.9;

    /// <summary>Per-product overrides, keyed by product id.</summary>
    public Dictionary<string, ProductPolicyOptions> Products { get; set; } = [];

    /// <summary>End-user sentiment below this sends the response to review.</summary>
    [Range(-1.0, 1.0)]
    public double NegativeSentimentThreshold { get; set; } = -0.3;

    /// <summary>Accounts worth at least this much get a human look.</summary>
    [Range(0, double.MaxValue)]
    public decimal HighValueAccountThreshold { get; set; } = 100_000m;

    /// <summary>Committee scores further apart than this count as disagreement.</summary>
    [Range(0.0, 1.0)]
    public double CommitteeDisagreementSpread { get; set; } = 0.3;

    /// <summary>Share of auto-approved responses sampled for a retroactive audit.</summary>
    [Range(0.0, 1.0)]
    public double AuditSampleRate { get; set; } = 0.05;

    /// <summary>
    /// Independent reviews asked for an audit sample or a committee disagreement: two, so reviewer agreement is
    /// measured where it matters most. Every other review needs one.
    /// </summary>
    [Range(1, 3)]
    public int AgreementReviews { get; set; } = 2;

    public ReviewSlaOptions ReviewSla { get; set; } = new();

    /// <summary>Trigger codes turned off for every product (each product may turn off more).</summary>
    public List<string> DisabledTriggers { get; set; } = [];

    public UserFeedbackTriggerOptions UserFeedback { get; set; } = new();

    public CalibrationOptions Calibration { get; set; } = new();

    public NoveltyOptions Novelty { get; set; } = new();

    public ReviewBudgetOptions Budget { get; set; } = new();

    /// <summary>How often each product's review rate of the day is published (ReviewRateMeasured) while it has decisions.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReviewRateInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// How a product's review budget (<see cref="ProductPolicyOptions.ReviewBudgetPerHour"/>, per day) is spent on
/// medium and low items; urgent and high ones always go to review. Until <see cref="SelectiveFrom"/> of the budget is
/// spent, every such item goes; from there, only one of a topic not yet reviewed in the window, or one whose learning
/// value exceeds <see cref="HighValue"/> (the seeds' diverse selection); once it is spent, none.
/// </summary>
public sealed class ReviewBudgetOptions
{
    [Range(0.0, 1.0)]
    public double SelectiveFrom { get; set; } = 0.5;

    [Range(0.0, 1.0)]
    public double HighValue { get; set; } = 0.6;
}

/// <summary>
/// When a query counts as novel (see <see cref="Novelty.NoveltyMemory"/>): its TF-IDF cosine to every cluster of the
/// product's earlier queries is under <see cref="NovelBelow"/>, once the product has <see cref="MinSeen"/> queries
/// to compare with. Defaults chosen on the labelled queries in the tests (precision and recall in the README).
/// </summary>
public sealed class NoveltyOptions
{
    /// <summary>Off: novelty is neither a trigger nor a term of the learning value, and queries are not counted.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Similarity to the nearest cluster under which a query is novel.</summary>
    [Range(0.0, 1.0)]
    public double NovelBelow { get; set; } = 0.35;

    /// <summary>Similarity from which a query joins its nearest cluster rather than opening one.</summary>
    [Range(0.0, 1.0)]
    public double JoinSimilarity { get; set; } = 0.5;

    /// <summary>Queries a product must have sent before any is called novel: at first, everything is.</summary>
    [Range(0, int.MaxValue)]
    public int MinSeen { get; set; } = 50;

    /// <summary>Clusters kept per product; when full, one not matched lately gives up its slot.</summary>
    [Range(1, 1_000_000)]
    public int MaxClusters { get; set; } = 20_000;
}

/// <summary>
/// How reviewers' verdicts move each kind of response's confidence threshold (see
/// <see cref="Signals.ThresholdCalibration"/>). It starts at the configured threshold (0.9 by default), relaxes by
/// <see cref="Step"/> towards <see cref="Floor"/> while fewer than <see cref="TargetCorrectionRate"/> of at least
/// <see cref="MinReviews"/> reviews in the <see cref="Band"/> under it were corrected, and tightens when more were,
/// or when more than <see cref="TargetAuditMissRate"/> of at least <see cref="MinAudits"/> audits were.
/// </summary>
public sealed class CalibrationOptions
{
    public bool Enabled { get; set; } = true;

    [Range(0.0, 1.0)]
    public double Floor { get; set; } = 0.8;

    [Range(0.0, 1.0)]
    public double Ceiling { get; set; } = 0.99;

    [Range(0.001, 0.5)]
    public double Step { get; set; } = 0.02;

    [Range(0.001, 0.5)]
    public double Band { get; set; } = 0.05;

    /// <summary>The seeds' target correction rate: under 5%.</summary>
    [Range(0.0, 1.0)]
    public double TargetCorrectionRate { get; set; } = 0.05;

    [Range(1, 1_000_000)]
    public int MinReviews { get; set; } = 30;

    [Range(0.0, 1.0)]
    public double TargetAuditMissRate { get; set; } = 0.05;

    [Range(1, 1_000_000)]
    public int MinAudits { get; set; } = 20;
}

/// <summary>
/// The end-user negative-rate trigger: when more than <see cref="NegativeRate"/> of the latest <see cref="Window"/>
/// reactions to a kind of response (product, or product and category) were negative, and there are at least
/// <see cref="MinReactions"/>, responses of that kind go to review, high priority.
/// </summary>
public sealed class UserFeedbackTriggerOptions
{
    [Range(1, Signals.UserReactionWindow.Kept)]
    public int Window { get; set; } = 10;

    [Range(1, Signals.UserReactionWindow.Kept)]
    public int MinReactions { get; set; } = 10;

    [Range(0.0, 1.0)]
    public double NegativeRate { get; set; } = 0.3;
}

public sealed class ProductPolicyOptions
{
    [Range(0.0, 1.0)]
    public double? ConfidenceThreshold { get; set; }

    /// <summary>This product's <see cref="RouterOptions.AgreementReviews"/>.</summary>
    [Range(1, 3)]
    public int? AgreementReviews { get; set; }

    /// <summary>This product's <see cref="RouterOptions.AuditSampleRate"/>.</summary>
    [Range(0.0, 1.0)]
    public double? AuditSampleRate { get; set; }

    /// <summary>False keeps this product's threshold where configuration puts it.</summary>
    public bool Calibrate { get; set; } = true;

    /// <summary>Trigger codes (e.g. "random_audit", "user_negative_feedback") this product turns off.</summary>
    public List<string> DisabledTriggers { get; set; } = [];

    /// <summary>Reviews this product may ask for per UTC hour (see <see cref="ReviewBudgetOptions"/>); none: no limit.</summary>
    [Range(1, MaxReviewBudget)]
    public int? ReviewBudgetPerHour { get; set; }

    /// <summary>Reviews this product may ask for per UTC day; with an hourly budget too, an item must fit both.</summary>
    [Range(1, MaxReviewBudget)]
    public int? ReviewBudgetPerDay { get; set; }

    public const int MaxReviewBudget = 1_000_000;
}

/// <summary>How soon a review is due, by priority.</summary>
public sealed class ReviewSlaOptions
{
    public TimeSpan Urgent { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan High { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan Medium { get; set; } = TimeSpan.FromHours(4);
    public TimeSpan Low { get; set; } = TimeSpan.FromHours(24);
}
