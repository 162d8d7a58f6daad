namespace HitlLoop.Contracts.Guidance;

/// <summary>
/// PatternLearner's answer to GET /api/guidance: what a chat product puts in its prompt, corrections to imitate
/// and rules to follow.
/// </summary>
public sealed record GuidanceAnswer
{
    public required string ProductId { get; init; }
    public string? Category { get; init; }
    public required IReadOnlyList<GuidanceCorrection> Corrections { get; init; }
    public required IReadOnlyList<GuidanceRule> Rules { get; init; }
}
