using System.Globalization;
using HitlLoop.Contracts;

namespace HitlLoop.Router.Signals;

/// <summary>A mistake reviewers keep correcting, as PatternLearner last announced it, and how to recognise it again.</summary>
public sealed record KnownPattern : ISignal
{
    /// <summary>The pattern id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }

    /// <summary>Null: the whole product.</summary>
    public string? Category { get; init; }

    public required string PatternType { get; init; }
    public required PatternRule Rule { get; init; }
    public PatternSignature? Signature { get; init; }
    public int ExampleCount { get; init; }

    /// <summary>The announcement's version: an older or repeated one changes nothing.</summary>
    public int PatternVersion { get; init; }

    /// <summary>A lead retired the rule: a response like it is no longer a known mistake.</summary>
    public bool Retired { get; init; }

    /// <summary>PatternLearner's last measure of the rule (<see cref="PatternRecurrenceMeasured"/>): its mistake keeps recurring.</summary>
    public bool NotWorking { get; init; }

    /// <summary>Repeats of the mistake in the last measurement's window, and its length in days.</summary>
    public long RecentRepeats { get; init; }

    public int RepeatWindowDays { get; init; }

    /// <summary>When the last measurement was taken: an older one changes nothing.</summary>
    public DateTime? RecurrenceMeasuredAt { get; init; }

    public DateTime UpdatedAt { get; init; }

    public static KnownPattern From(PatternLearned learned, DateTime now) => new()
    {
        Id = learned.PatternId,
        ProductId = learned.ProductId,
        Category = ResponseKind.CategoryOf(learned.Category),
        PatternType = learned.PatternType,
        Rule = learned.Rule,
        Signature = learned.Signature,
        ExampleCount = learned.ExampleCount,
        PatternVersion = learned.Version,
        Retired = learned.Retired,
        UpdatedAt = now,
    };

    /// <summary>This pattern replaced by a newer announcement of it, or null when <paramref name="newer"/> is not newer.</summary>
    public KnownPattern? ReplacedBy(KnownPattern newer) =>
        newer.PatternVersion > PatternVersion
            ? newer with
            {
                Version = Version + 1,
                NotWorking = NotWorking,
                RecentRepeats = RecentRepeats,
                RepeatWindowDays = RepeatWindowDays,
                RecurrenceMeasuredAt = RecurrenceMeasuredAt,
            }
            : null;

    /// <summary>This pattern with a newer recurrence measurement, or null when <paramref name="measured"/> is not newer.</summary>
    public KnownPattern? Measured(PatternRecurrenceMeasured measured, DateTime now) =>
        RecurrenceMeasuredAt is { } last && last >= measured.MeasuredAt.UtcDateTime
            ? null
            : this with
            {
                Version = Version + 1,
                NotWorking = !measured.Working,
                RecentRepeats = measured.Repeats,
                RepeatWindowDays = measured.WindowDays,
                RecurrenceMeasuredAt = measured.MeasuredAt.UtcDateTime,
                UpdatedAt = now,
            };

    /// <summary>What in the response repeats the mistake, or null when it does not (or the pattern cannot tell).</summary>
    /// <param name="words">The response's words (<see cref="ServiceDefaults.Text.Words"/>), computed once per response.</param>
    public string? Evidence(ResponseScored response, IReadOnlySet<string> words)
    {
        if (Retired || Signature is not { } signature || (Category is not null && Category != response.Context.Category))
        {
            return null;
        }

        var length = response.Response?.Length ?? 0;
        var found = new List<string>();
        if (signature.LongerThan is { } longest)
        {
            if (length <= longest)
            {
                return null;
            }

            found.Add(string.Create(CultureInfo.InvariantCulture, $"{length} chars > {longest}"));
        }

        if (signature.ShorterThan is { } shortest)
        {
            if (length >= shortest)
            {
                return null;
            }

            found.Add(string.Create(CultureInfo.InvariantCulture, $"{length} chars < {shortest}"));
        }

        if (signature.MinWordHits > 0)
        {
            var hits = signature.Words.Where(words.Contains).ToList();
            if (hits.Count < signature.MinWordHits)
            {
                return null;
            }

            found.Add($"words {string.Join(", ", hits)}");
        }

        if (found.Count == 0)
        {
            return null;
        }

        var failing = NotWorking ? $"; its rule is not working ({RecentRepeats} repeats in {RepeatWindowDays} days)" : "";
        return $"{PatternType} pattern {Id} ({ExampleCount} corrections): {string.Join("; ", found)}{failing}";
    }
}
