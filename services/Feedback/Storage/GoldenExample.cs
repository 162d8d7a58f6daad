using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>
/// A training triplet (query, context, human output) with its lineage: which response, review, reviewer and
/// model it came from, so a bad example can be traced and withdrawn.
/// </summary>
public sealed record GoldenExample : IDocument
{
    public const string IdPrefix = "ge-";

    /// <summary>"ge-" + review id: one review yields at most one example, on every replica and redelivery.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public string Query { get; init; } = "";
    public ResponseContext Context { get; init; } = new();
    public required string HumanOutput { get; init; }
    public required string OriginalText { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public required string ReviewerId { get; init; }
    public double ReviewerReliability { get; init; }
    public double Similarity { get; init; }

    public required string ResponseId { get; init; }
    public required string ReviewId { get; init; }
    public string ConversationId { get; init; } = "";
    public string? ModelVersion { get; init; }
    public DateTime ReviewedAt { get; init; }
    public DateTime AcceptedAt { get; init; }

    public static string IdFor(string reviewId) => IdPrefix + reviewId;

    public CorrectionAccepted ToEvent() => new()
    {
        GoldenExampleId = Id,
        ResponseId = ResponseId,
        ReviewId = ReviewId,
        ProductId = ProductId,
        Query = Query,
        Context = Context,
        OriginalText = OriginalText,
        CorrectedText = HumanOutput,
        Categories = Categories,
        ReviewerId = ReviewerId,
        ReviewerReliability = ReviewerReliability,
        Similarity = Similarity,
        ModelVersion = ModelVersion,
        AcceptedAt = new DateTimeOffset(DateTime.SpecifyKind(AcceptedAt, DateTimeKind.Utc)),
    };
}
