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
    public DateTimeOffset LearnedAt { get; init; }
}
