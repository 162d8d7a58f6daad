namespace HitlLoop.Contracts;

/// <summary>PatternLearner consolidated recurring corrections into a rule.</summary>
public sealed record PatternLearned
{
    public required string PatternId { get; init; }
    public required string PatternType { get; init; }
    public required string ProductId { get; init; }
    public string? Category { get; init; }
    public required PatternRule Rule { get; init; }

    /// <summary>How a response repeating the mistake looks; null when the response alone cannot show it (missing content).</summary>
    public PatternSignature? Signature { get; init; }
    public int ExampleCount { get; init; }
    public int Version { get; init; }

    /// <summary>True when a lead retired the rule: it is no longer served, and a response like it is no known mistake.</summary>
    public bool Retired { get; init; }

    /// <summary>Who wrote the rule's text: "template", "llm:{model}" or "lead:{name}".</summary>
    public string? Source { get; init; }

    public DateTimeOffset LearnedAt { get; init; }
}
