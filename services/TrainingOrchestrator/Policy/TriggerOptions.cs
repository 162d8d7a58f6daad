using System.ComponentModel.DataAnnotations;

namespace HitlLoop.TrainingOrchestrator.Policy;

/// <summary>
/// The "TrainingOrchestrator:Triggers" section: the signals besides new examples that ask for a retrain, each
/// overridable per product under <see cref="Products"/>.
/// </summary>
public sealed class TriggerOptions
{
    /// <summary>The least time between two requests set off by the same trigger for the same product.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Above this share of negative reactions over the window (seed 003: 20% over 7 days), a retrain is due.</summary>
    [Range(0.0, 1.0)]
    public double NegativeFeedbackRate { get; set; } = 0.20;

    /// <summary>Rated reactions the window must hold before their share counts.</summary>
    [Range(1, int.MaxValue)]
    public int MinReactions { get; set; } = 50;

    [Range(1, 90)]
    public int NegativeFeedbackWindowDays { get; set; } = 7;

    /// <summary>Above this same-mistake rate (the seeds' target is under 1%), a retrain is due.</summary>
    [Range(0.0, 1.0)]
    public double SameMistakeRate { get; set; } = 0.01;

    /// <summary>Corrections PatternLearner's window must hold before its same-mistake rate counts.</summary>
    [Range(1, int.MaxValue)]
    public int MinCorrections { get; set; } = 20;

    /// <summary>Whether a retrained model doing worse than the serving one asks for another retrain.</summary>
    public bool EvaluationRegression { get; set; } = true;

    /// <summary>Per-product overrides, keyed by product id.</summary>
    public Dictionary<string, ProductTriggerOptions> Products { get; set; } = [];

    public double NegativeFeedbackRateFor(string productId) => Products.GetValueOrDefault(productId)?.NegativeFeedbackRate ?? NegativeFeedbackRate;

    public int MinReactionsFor(string productId) => Products.GetValueOrDefault(productId)?.MinReactions ?? MinReactions;

    public double SameMistakeRateFor(string productId) => Products.GetValueOrDefault(productId)?.SameMistakeRate ?? SameMistakeRate;

    public int MinCorrectionsFor(string productId) => Products.GetValueOrDefault(productId)?.MinCorrections ?? MinCorrections;

    public bool Disabled(string productId, string reason) => Products.GetValueOrDefault(productId)?.DisabledTriggers.Contains(reason) == true;
}

public sealed class ProductTriggerOptions
{
    /// <summary>The product's own new accepted corrections that trigger a retrain, besides the overall threshold.</summary>
    [Range(1, int.MaxValue)]
    public int? RetrainThreshold { get; set; }

    /// <summary>The product's own new preference pairs that trigger a retrain, besides the overall threshold.</summary>
    [Range(1, int.MaxValue)]
    public int? PreferencePairThreshold { get; set; }

    public double? NegativeFeedbackRate { get; set; }
    public int? MinReactions { get; set; }
    public double? SameMistakeRate { get; set; }
    public int? MinCorrections { get; set; }

    /// <summary>Trigger reasons turned off for the product, e.g. negative_feedback.</summary>
    public List<string> DisabledTriggers { get; set; } = [];
}
