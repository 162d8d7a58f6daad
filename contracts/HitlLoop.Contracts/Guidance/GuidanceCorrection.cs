namespace HitlLoop.Contracts.Guidance;

/// <summary>A reviewer's correction of an earlier answer, for few-shot prompting.</summary>
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
