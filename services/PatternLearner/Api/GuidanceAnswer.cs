using HitlLoop.Contracts;

namespace HitlLoop.PatternLearner.Api;

/// <summary>What a chat product puts in its prompt: corrections to imitate and rules to follow.</summary>
public sealed record GuidanceAnswer
{
    public required string ProductId { get; init; }
    public string? Category { get; init; }
    public required IReadOnlyList<GuidanceCorrection> Corrections { get; init; }
    public required IReadOnlyList<GuidanceRule> Rules { get; init; }
}

public sealed record GuidanceCorrection
{
    public required string CorrectionId { get; init; }
    public required string Query { get; init; }
    public required string OriginalText { get; init; }
    public required string CorrectedText { get; init; }
    public string? Category { get; init; }
    public required IReadOnlyList<string> PatternTypes { get; init; }
    public DateTime AcceptedAt { get; init; }

    /// <summary>Content words this correction's query shares with the caller's; 0 when picked for recency alone.</summary>
    public int SharedWords { get; init; }
}

public sealed record GuidanceRule
{
    public required string PatternId { get; init; }
    public required string PatternType { get; init; }
    public string? Category { get; init; }
    public required PatternRule Rule { get; init; }
    public int ExampleCount { get; init; }
    public int Version { get; init; }
}
