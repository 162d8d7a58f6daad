using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>
/// A correction that repeated a mistake whose rule had already shipped, as PatternLearner reported it
/// (<see cref="PatternRecurrenceMeasured"/>): kept once per product and correction, however often the event comes.
/// </summary>
public sealed record RepeatedMistake : IDocument
{
    /// <summary><see cref="IdOf"/>: a correction repeating two rules' mistakes is still one repeated answer.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public required string CorrectionId { get; init; }
    public string PatternId { get; init; } = "";

    /// <summary>Midnight UTC of the day the correction was accepted on.</summary>
    public DateTime Day { get; init; }

    public DateTime MeasuredAt { get; init; }

    public static string IdOf(string productId, string correctionId) => productId + "\n" + correctionId;

    public static RepeatedMistake From(PatternRecurrenceMeasured measured) => new()
    {
        Id = IdOf(measured.ProductId, measured.CorrectionId),
        ProductId = measured.ProductId,
        CorrectionId = measured.CorrectionId,
        PatternId = measured.PatternId,
        Day = measured.Day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        MeasuredAt = measured.MeasuredAt.UtcDateTime,
    };
}

/// <summary>
/// The answers of a window that repeated a mistake already ruled on, among all the responses Router counted in it
/// (whole UTC days, like the review rate): how often the bot's users met a mistake HitlLoop had already learned.
/// </summary>
public sealed record SameMistakeCounts(long Repeats, long Responses)
{
    public static SameMistakeCounts None { get; } = new(0, 0);

    public double? Rate => Responses == 0 ? null : (double)Repeats / Responses;
}
