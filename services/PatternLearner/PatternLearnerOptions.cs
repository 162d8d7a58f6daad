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

    public CorrectionIndexOptions Index { get; set; } = new();

    public RecurrenceOptions Recurrence { get; set; } = new();
}

/// <summary>The "PatternLearner:Recurrence" section: how a rule's repeated mistakes are measured.</summary>
public sealed class RecurrenceOptions
{
    /// <summary>Days, ending with a repeat's own, that its figures cover.</summary>
    [Range(1, 90)]
    public int WindowDays { get; set; } = 7;

    /// <summary>Repeats within the window from which a rule is flagged as not working.</summary>
    [Range(1, 10_000)]
    public int NotWorkingRepeats { get; set; } = 3;
}

/// <summary>The "PatternLearner:Index" section: where this replica keeps its search index, and how often it reads the store.</summary>
public sealed class CorrectionIndexOptions
{
    /// <summary>The index's folder, this replica's own; by default "pattern-learner-index" in Hitl:Embedded:DataDirectory.</summary>
    public string? Directory { get; set; }

    /// <summary>How often corrections other replicas recorded are read into this one's index.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReadEvery { get; set; } = TimeSpan.FromSeconds(5);
}
