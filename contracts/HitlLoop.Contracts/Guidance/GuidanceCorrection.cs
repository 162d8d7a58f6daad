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
    /// How close in meaning this correction is to the caller's query and draft: the cosine similarity, -1..1, of
    /// their sentence embeddings. 0 when there was no query and corrections came newest first.
    /// </summary>
    public double Relevance { get; init; }
}
