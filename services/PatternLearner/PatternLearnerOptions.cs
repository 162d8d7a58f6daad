using System.ComponentModel.DataAnnotations;

namespace HitlLoop.PatternLearner;

/// <summary>The "PatternLearner" section: what counts as a pattern, and when a correction changed length enough to matter.</summary>
public sealed class PatternLearnerOptions
{
    public const string Section = "PatternLearner";

    /// <summary>Corrections of one kind needed before they become a rule; the rule is re-derived at every further multiple.</summary>
    [Range(1, 10_000)]
    public int MinExamplesPerPattern { get; set; } = 3;

    /// <summary>A correction shorter than this share of the original means the bot said too much.</summary>
    [Range(0.0, 1.0)]
    public double OverVerboseRatio { get; set; } = 0.7;

    /// <summary>A correction longer than this multiple of the original means the bot said too little.</summary>
    [Range(1.0, 100.0)]
    public double UnderDetailedRatio { get; set; } = 1.5;
}
