namespace HitlLoop.Contracts.Guidance;

/// <summary>A rule learned from recurring corrections of one kind.</summary>
public sealed record GuidanceRule
{
    public required string PatternId { get; init; }
    public required string PatternType { get; init; }
    public string? Category { get; init; }
    public required PatternRule Rule { get; init; }
    public int ExampleCount { get; init; }
    public int Version { get; init; }

    /// <summary>Who wrote the rule's text: "template", "llm:{model}" or "lead:{name}".</summary>
    public string? Source { get; init; }
}
