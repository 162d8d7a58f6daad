using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>
/// PatternLearner's same-mistake figures for a product, as the latest <see cref="PatternRecurrenceMeasured"/> gave
/// them: one document for the product's latest, one for the latest of each UTC day.
/// </summary>
public sealed record SameMistakeMeasure : IDocument
{
    /// <summary><see cref="LatestIdOf"/> or <see cref="DayIdOf"/>.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }

    /// <summary>True for the product's latest figures; false for a day's.</summary>
    public bool Latest { get; init; }

    /// <summary>Midnight UTC of the day the measured window ends on.</summary>
    public DateTime Day { get; init; }

    public int WindowDays { get; init; }

    /// <summary>The product's corrections in the window that repeated a mistake whose rule had shipped.</summary>
    public long Repeats { get; init; }

    /// <summary>All the product's corrections in the window.</summary>
    public long Corrections { get; init; }

    public DateTime MeasuredAt { get; init; }

    /// <summary>The correction whose repeat was measured.</summary>
    public string CorrectionId { get; init; } = "";

    public double Rate => Corrections == 0 ? 0 : (double)Repeats / Corrections;

    public static string LatestIdOf(string productId) => "latest\n" + productId;

    public static string DayIdOf(string productId, DateTime day) => $"day\n{day:yyyy-MM-dd}\n{productId}";

    /// <summary>Whether the window still reaches <paramref name="today"/>: after it, no repeat has been reported since.</summary>
    public bool Covers(DateTime today) => Day.Date.AddDays(WindowDays) > today.Date;

    /// <summary>True when this measure was taken later than <paramref name="other"/>: events may arrive out of order.</summary>
    public bool Supersedes(SameMistakeMeasure other) =>
        (Day, MeasuredAt, Corrections).CompareTo((other.Day, other.MeasuredAt, other.Corrections)) > 0;

    public static SameMistakeMeasure From(PatternRecurrenceMeasured measured) => new()
    {
        Id = LatestIdOf(measured.ProductId),
        ProductId = measured.ProductId,
        Latest = true,
        Day = measured.Day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        WindowDays = measured.WindowDays,
        Repeats = measured.ProductRepeats,
        Corrections = measured.ProductCorrections,
        MeasuredAt = measured.MeasuredAt.UtcDateTime,
        CorrectionId = measured.CorrectionId,
    };
}

/// <summary>
/// The same-mistake figures Feedback has: the repeats and corrections of the products whose latest window still
/// reaches today, and whether PatternLearner has reported any at all.
/// </summary>
public sealed record SameMistakeCounts(long Repeats, long Corrections, int WindowDays, bool Reported, DateOnly? LatestDay)
{
    public static SameMistakeCounts None { get; } = new(0, 0, 0, Reported: false, LatestDay: null);

    public static SameMistakeCounts Of(IReadOnlyList<SameMistakeMeasure> latest, DateTime today)
    {
        if (latest.Count == 0)
        {
            return None;
        }

        var current = latest.Where(m => m.Covers(today)).ToList();
        return new SameMistakeCounts(
            current.Sum(m => m.Repeats),
            current.Sum(m => m.Corrections),
            latest.Max(m => m.WindowDays),
            Reported: true,
            DateOnly.FromDateTime(latest.Max(m => m.Day)));
    }
}
