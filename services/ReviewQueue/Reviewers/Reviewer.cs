using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ReviewQueue.Reviewers;

// Read by name (case-insensitive) even where no enum converter is configured; written as the host's options say.
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ReviewerAvailability>))]
public enum ReviewerAvailability
{
    Active,
    Away,
}

/// <summary>
/// A reviewer as the queue knows them. Who they are comes from their token; the registry adds what they specialize
/// in, whether they take work, and how they review. Ids are the tokens' subjects.
/// </summary>
public sealed record Reviewer : IDocument
{
    public const int DefaultMaxHeld = 5;
    public const int DurationsKept = 200;

    public required string Id { get; init; }
    public long Version { get; init; }
    public required string Name { get; init; }

    /// <summary>A deactivated reviewer keeps their history but can take no more work.</summary>
    public bool Deactivated { get; init; }

    public ReviewerAvailability Availability { get; init; } = ReviewerAvailability.Active;

    /// <summary>The most items the reviewer may hold at once.</summary>
    public int MaxHeld { get; init; } = DefaultMaxHeld;

    public ReviewerSpecializations Specializations { get; init; } = new();
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    /// <summary>Registration order, the registry's list order and cursor (see <see cref="ListKeyOf"/>).</summary>
    public long ListKey { get; init; }

    public int ReviewsCompleted { get; init; }

    /// <summary>The latest review durations (seconds), newest last, for the median.</summary>
    public IReadOnlyList<double> RecentDurations { get; init; } = [];

    /// <summary>Review ids already counted, so a retried submit counts once.</summary>
    public IReadOnlyList<string> RecentReviewIds { get; init; } = [];

    public double? Agreement { get; init; }
    public int AgreementItems { get; init; }
    public DateTime? AgreementMeasuredAt { get; init; }

    /// <summary>The registration time to about 6.5 ms, with 16 bits of the id's hash in place of the finer ticks.</summary>
    public static long ListKeyOf(string id, DateTime createdAt) =>
        (createdAt.Ticks & ~0xFFFFL) | (BitConverter.ToUInt16(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)), 0));

    public static Reviewer Register(string id, string name, DateTime now) =>
        new() { Id = id, Name = name, CreatedAt = now, UpdatedAt = now, ListKey = ListKeyOf(id, now) };

    public double? MedianReviewSeconds => RecentDurations.Count == 0 ? null : Median(RecentDurations);

    /// <summary>The keys claim-next matches against an item's product, category and language.</summary>
    public IReadOnlyCollection<string> MatchKeys() =>
    [
        .. Specializations.Products.Select(p => $"product:{p}"),
        .. Specializations.Categories.Select(c => $"category:{c}"),
        .. Specializations.Languages.Select(l => $"language:{l}"),
    ];

    /// <summary>The reviewer with one more review counted; null when this review was counted already.</summary>
    public Reviewer? WithReview(string reviewId, double durationSeconds, DateTime now) =>
        RecentReviewIds.Contains(reviewId)
            ? null
            : this with
            {
                ReviewsCompleted = ReviewsCompleted + 1,
                RecentDurations = [.. RecentDurations.TakeLast(DurationsKept - 1), durationSeconds],
                RecentReviewIds = [.. RecentReviewIds.TakeLast(DurationsKept - 1), reviewId],
                UpdatedAt = now,
                Version = Version + 1,
            };

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

public sealed record ReviewerSpecializations
{
    public IReadOnlyList<string> Products { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Languages { get; init; } = [];
}
