using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>Router's latest counts of one product's routing decisions on one UTC day (<see cref="ReviewRateMeasured"/>).</summary>
public sealed record ReviewRateDay : IDocument
{
    /// <summary><see cref="IdOf"/>.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }

    /// <summary>Midnight UTC of the day counted.</summary>
    public DateTime Day { get; init; }

    public long Responses { get; init; }

    /// <summary>Responses a human looks at: triggered reviews and audit samples.</summary>
    public long Reviewed { get; init; }

    public long BudgetSkipped { get; init; }
    public DateTime MeasuredAt { get; init; }

    public static string IdOf(string productId, DateTime day) => $"{day:yyyy-MM-dd}\n{productId}";

    /// <summary>Counts of the same day only grow: a late or redelivered figure, with fewer decisions or older, changes nothing.</summary>
    public bool Supersedes(ReviewRateDay other) => (Responses, MeasuredAt).CompareTo((other.Responses, other.MeasuredAt)) > 0;

    public static ReviewRateDay From(ReviewRateMeasured measured)
    {
        var day = measured.Day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        return new ReviewRateDay
        {
            Id = IdOf(measured.ProductId, day),
            ProductId = measured.ProductId,
            Day = day,
            Responses = measured.Responses,
            Reviewed = measured.ReviewRequested + measured.Audits,
            BudgetSkipped = measured.BudgetSkipped,
            MeasuredAt = measured.MeasuredAt.UtcDateTime,
        };
    }
}

/// <summary>Responses Router decided and those a human looked at, summed over days and products.</summary>
public sealed record ReviewRateCounts(long Responses, long Reviewed, IReadOnlyList<string> Products)
{
    public static ReviewRateCounts Of(IReadOnlyCollection<ReviewRateDay> days) =>
        new(days.Sum(d => d.Responses), days.Sum(d => d.Reviewed), [.. days.Select(d => d.ProductId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);

    public double? Rate => Responses == 0 ? null : (double)Reviewed / Responses;
}
