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

    /// <summary>
    /// The rules and corrections assembled as one block of text for a system prompt, as is. Log
    /// <see cref="GuidanceRule.PatternId"/> with <see cref="GuidanceRule.Version"/> and each
    /// <see cref="GuidanceCorrection.CorrectionId"/> (corrections never change) to know what a prompt held.
    /// </summary>
    public required string Prompt { get; init; }

    /// <summary>How corrections were ranked, e.g. "minilm-l6-cosine-feedback".</summary>
    public required string Retrieval { get; init; }
}
