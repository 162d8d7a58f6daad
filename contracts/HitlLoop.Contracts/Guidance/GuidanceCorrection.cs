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

    /// <summary>
    /// How well this correction matches the caller's query (BM25 over its query, original and corrected text); only
    /// comparable within one answer. Without a query, corrections come newest first.
    /// </summary>
    public double Relevance { get; init; }
}
