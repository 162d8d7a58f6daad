using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>
/// A training triplet (query, context, human output) with its lineage: which response, review, reviewer and
/// model it came from, so a bad example can be traced and withdrawn.
/// </summary>
public sealed partial record GoldenExample : IDocument
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

    /// <summary>The reviewer's labels for the answer (e.g. wrong_policy, tone).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
    public required string ReviewerId { get; init; }
    public double ReviewerReliability { get; init; }
    public double Similarity { get; init; }

    public required string ResponseId { get; init; }
    public required string ReviewId { get; init; }
    public string ConversationId { get; init; } = "";
    public string? ModelVersion { get; init; }

    /// <summary>The Router policy version that sent the response to review.</summary>
    public string? PolicyVersion { get; init; }
    public DateTime ReviewedAt { get; init; }
    public DateTime AcceptedAt { get; init; }

    /// <summary>What decided it: "single" (one review), "unanimous" or "majority" (blind reviewers), "adjudicated" (a lead).</summary>
    public string Consensus { get; init; } = Consensuses.OneReview;

    /// <summary>Every review of the item, and who gave them: one for a single review, all for a multi-reviewed item.</summary>
    public IReadOnlyList<string> ReviewIds { get; init; } = [];

    public IReadOnlyList<string> ReviewerIds { get; init; } = [];

    /// <summary>Why the Router sent the response to review.</summary>
    public IReadOnlyList<string> TriggerCodes { get; init; } = [];

    /// <summary>What makes two examples the same training triplet: see <see cref="ContentKeyOf"/>.</summary>
    public string ContentKey { get; init; } = "";

    /// <summary>
    /// The example that already taught the same triplet, when this one repeats it. A duplicate keeps its lineage but
    /// is left out of the golden listing and the exports, and training does not count it twice.
    /// </summary>
    public string? DuplicateOf { get; init; }

    public static string IdFor(string reviewId) => IdPrefix + reviewId;

    /// <summary>
    /// A hash of the product, the category, the query and the human output, each trimmed, with runs of white space
    /// made one space and letters lower-cased: examples that differ only in those ways teach the same thing.
    /// </summary>
    public static string ContentKeyOf(GoldenExample example)
    {
        var content = string.Join('\0', example.ProductId, Normal(example.Context.Category), Normal(example.Query), Normal(example.HumanOutput));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

        static string Normal(string? text) => WhiteSpace().Replace(text ?? "", " ").Trim().ToLowerInvariant();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    /// <summary>The example a review's correction makes, its lineage taken from the review.</summary>
    public static GoldenExample Of(ReviewRecord review, string humanOutput, double similarity, double reviewerReliability, DateTime acceptedAt) => new()
    {
        Id = IdFor(review.Id),
        ProductId = review.ProductId,
        Query = review.Query,
        Context = review.Context,
        HumanOutput = humanOutput,
        OriginalText = review.OriginalText,
        Categories = review.Categories,
        Labels = review.Labels,
        ReviewerId = review.ReviewerId,
        ReviewerReliability = reviewerReliability,
        Similarity = similarity,
        ResponseId = review.ResponseId,
        ReviewId = review.Id,
        ConversationId = review.ConversationId,
        ModelVersion = review.ModelVersion,
        PolicyVersion = review.PolicyVersion,
        ReviewedAt = review.CompletedAt,
        AcceptedAt = acceptedAt,
        ReviewIds = [review.Id],
        ReviewerIds = [review.ReviewerId],
        TriggerCodes = review.TriggerCodes,
    };

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
        DuplicateOf = DuplicateOf,
        AcceptedAt = new DateTimeOffset(DateTime.SpecifyKind(AcceptedAt, DateTimeKind.Utc)),
    };
}

/// <summary>The values of <see cref="GoldenExample.Consensus"/>.</summary>
public static class Consensuses
{
    public const string OneReview = "single";
    public const string Unanimous = "unanimous";
    public const string Majority = "majority";
    public const string Adjudicated = "adjudicated";
}
