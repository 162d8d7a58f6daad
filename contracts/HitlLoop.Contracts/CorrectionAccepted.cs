namespace HitlLoop.Contracts;

/// <summary>Feedback validated a human correction and stored it as a golden example.</summary>
public sealed record CorrectionAccepted
{
    public required string GoldenExampleId { get; init; }
    public required string ResponseId { get; init; }
    public string ReviewId { get; init; } = "";
    public required string ProductId { get; init; }
    public string Query { get; init; } = "";
    public ResponseContext Context { get; init; } = new();
    public required string OriginalText { get; init; }
    public required string CorrectedText { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public required string ReviewerId { get; init; }

    /// <summary>The reviewer's agreement rate 0..1 at the time of acceptance.</summary>
    public double ReviewerReliability { get; init; }

    /// <summary>Similarity 0..1 between the original and the corrected text.</summary>
    public double Similarity { get; init; }

    public string? ModelVersion { get; init; }

    /// <summary>
    /// The golden example that already holds this correction's triplet (same product, category, query and human
    /// output), when this one repeats it: still a repeated mistake, but not new training data.
    /// </summary>
    public string? DuplicateOf { get; init; }

    public DateTimeOffset AcceptedAt { get; init; }
}
