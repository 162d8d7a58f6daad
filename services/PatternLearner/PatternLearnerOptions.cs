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

    /// <summary>When true, guidance serves only rules a lead approved (or wrote) in their current version.</summary>
    public bool RequireApproval { get; set; }

    public CorrectionIndexOptions Index { get; set; } = new();

    public RecurrenceOptions Recurrence { get; set; } = new();

    public RuleWriterOptions RuleWriter { get; set; } = new();
}

public enum RuleModelProvider
{
    /// <summary>Rules come from the templates only.</summary>
    None,

    /// <summary>An OpenAI-compatible chat completions endpoint (OpenAI, Azure OpenAI's v1 API, vLLM, LM Studio, ...).</summary>
    OpenAI,

    /// <summary>An Ollama server.</summary>
    Ollama,
}

/// <summary>The "PatternLearner:RuleWriter" section: the language model that words rules, if any.</summary>
public sealed class RuleWriterOptions : IValidatableObject
{
    public RuleModelProvider Provider { get; set; } = RuleModelProvider.None;

    /// <summary>The server: for OpenAI, its API by default; for Ollama, http://localhost:11434 by default.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model's name, e.g. "gpt-4o-mini" or "llama3.1".</summary>
    public string? Model { get; set; }

    /// <summary>The API key an OpenAI-compatible endpoint wants; servers that want none may leave it out.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long a rule may take to write before the template rule is kept instead.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider != RuleModelProvider.None && string.IsNullOrWhiteSpace(Model))
        {
            yield return new ValidationResult($"is required with Provider {Provider}.", [nameof(Model)]);
        }

        if (Provider == RuleModelProvider.OpenAI && Endpoint is null && string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return new ValidationResult("is required for OpenAI's own API (set Endpoint for a server that needs none).", [nameof(ApiKey)]);
        }
    }
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
