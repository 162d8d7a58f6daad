using System.Globalization;
using HitlLoop.Contracts;

namespace HitlLoop.PatternLearner.Learning;

/// <summary>
/// Writes a pattern's rule from its examples, the same rule for the same examples every time. A rule is read by
/// people and pasted into prompts, so it states numbers and words from the corrections rather than judgements.
/// </summary>
public static class RuleDeriver
{
    /// <summary>Rules are drawn from at most this many of a pattern's latest examples.</summary>
    public const int MaxExamples = 10;

    private const int MaxWordsInRule = 5;

    // Words of a signature a response must contain to repeat the mistake: one can be chance, two is the mistake.
    private const int MinSignatureHits = 2;

    /// <param name="examples">The pattern's latest issues, newest first; at most <see cref="MaxExamples"/> are used.</param>
    /// <param name="exampleCount">How many corrections the pattern holds in all.</param>
    public static PatternRule Derive(string patternType, string productId, string? category, IReadOnlyList<CorrectionIssue> examples, int exampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfZero(examples.Count);
        var used = examples.Take(MaxExamples).ToList();
        var when = category is null
            ? $"answering questions for {productId}"
            : $"answering {category} questions for {productId}";
        var sample = used.Count < exampleCount ? $", the latest {used.Count}" : "";
        var originalChars = Round(used.Average(e => e.OriginalLength));
        var correctedChars = Round(used.Average(e => e.CorrectedLength));

        return patternType switch
        {
            PatternTypes.OverVerbose => new PatternRule
            {
                When = when,
                InsteadOf = $"long answers (avg {originalChars} chars)",
                Do = $"keep it to about {correctedChars} chars",
                Reason = $"reviewers shortened {exampleCount} responses{sample} by {Percent(used.Average(e => 1 - Ratio(e)))} on average",
            },
            PatternTypes.UnderDetailed => new PatternRule
            {
                When = when,
                InsteadOf = $"short answers (avg {originalChars} chars)",
                Do = $"give fuller answers of about {correctedChars} chars",
                Reason = $"reviewers expanded {exampleCount} responses{sample} by {Percent(used.Average(e => Ratio(e) - 1))} on average",
            },
            PatternTypes.MissingContent => new PatternRule
            {
                When = when,
                InsteadOf = $"answers that leave out {MostCommonWords(used)}",
                Do = $"cover {MostCommonWords(used)} where they apply",
                Reason = $"reviewers added missing content to {exampleCount} responses{sample}; the words they added most: {MostCommonWords(used)}",
            },
            PatternTypes.RemovedContent => new PatternRule
            {
                When = when,
                InsteadOf = $"answers that bring up {MostCommonWords(used)}",
                Do = "leave out what the question does not need",
                Reason = $"reviewers removed content from {exampleCount} responses{sample}; the words they removed most: {MostCommonWords(used)}",
            },
            PatternTypes.ToneAdjustment => ToneRule(when, used, exampleCount, sample),
            PatternTypes.WrongClaim => new PatternRule
            {
                When = when,
                InsteadOf = $"saying {MostCommonClaims(used, c => c.Wrong)}",
                Do = $"say {MostCommonClaims(used, c => c.Right)}, or check before stating figures and terms",
                Reason = $"reviewers corrected facts in {exampleCount} responses{sample}: {string.Join("; ", CommonClaims(used).Select(c => $"{c.Wrong} → {c.Right}"))}",
            },
            _ => throw new ArgumentOutOfRangeException(nameof(patternType), patternType, "No rule template for this pattern type."),
        };
    }

    private static PatternRule ToneRule(string when, List<CorrectionIssue> used, int exampleCount, string sample)
    {
        var shift = used
            .GroupBy(e => (From: e.FromTone ?? Tones.Neutral, To: e.ToTone ?? Tones.Neutral))
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key.From, StringComparer.Ordinal)
            .ThenBy(g => g.Key.To, StringComparer.Ordinal)
            .First();
        return new PatternRule
        {
            When = when,
            InsteadOf = $"{Article(shift.Key.From)} {shift.Key.From} tone",
            Do = $"use {Article(shift.Key.To)} {shift.Key.To} tone",
            Reason = $"reviewers changed the tone of {exampleCount} responses{sample}, {shift.Count()} of {used.Count} from {shift.Key.From} to {shift.Key.To}",
        };
    }

    /// <summary>
    /// How a response repeating the mistake looks, from the same examples as the rule: longer (or shorter) than
    /// halfway between what the bot wrote and what reviewers kept, words reviewers keep removing, or the marker words
    /// of the tone they keep moving away from. Null for missing content, which the response alone cannot show.
    /// </summary>
    public static PatternSignature? Signature(string patternType, IReadOnlyList<CorrectionIssue> examples)
    {
        ArgumentOutOfRangeException.ThrowIfZero(examples.Count);
        var used = examples.Take(MaxExamples).ToList();
        var halfway = (int)Round((used.Average(e => e.OriginalLength) + used.Average(e => e.CorrectedLength)) / 2);
        switch (patternType)
        {
            case PatternTypes.OverVerbose:
                return new PatternSignature { LongerThan = halfway };
            case PatternTypes.UnderDetailed:
                return new PatternSignature { ShorterThan = halfway };
            case PatternTypes.RemovedContent or PatternTypes.WrongClaim:
                var removed = CommonWords(used);
                return removed.Count == 0 ? null : new PatternSignature { Words = removed, MinWordHits = Math.Min(MinSignatureHits, removed.Count) };
            case PatternTypes.ToneAdjustment:
                var from = used.GroupBy(e => e.FromTone ?? Tones.Neutral).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
                var markers = ToneClassifier.MarkersOf(from);
                return markers.Count == 0 ? null : new PatternSignature { Words = markers, MinWordHits = 1 };
            default:
                return null;
        }
    }

    /// <summary>Words found in the most examples, ties alphabetical, so the same examples always give the same list.</summary>
    private static IReadOnlyList<string> CommonWords(List<CorrectionIssue> used) => [.. used
        .SelectMany(e => e.Words.Distinct(StringComparer.Ordinal))
        .GroupBy(w => w, StringComparer.Ordinal)
        .OrderByDescending(g => g.Count())
        .ThenBy(g => g.Key, StringComparer.Ordinal)
        .Take(MaxWordsInRule)
        .Select(g => g.Key)];

    /// <summary>Swaps found in the most examples, ties alphabetical.</summary>
    private static IReadOnlyList<ClaimChange> CommonClaims(List<CorrectionIssue> used) => [.. used
        .SelectMany(e => e.Claims.Distinct())
        .GroupBy(c => c)
        .OrderByDescending(g => g.Count())
        .ThenBy(g => g.Key.Wrong, StringComparer.Ordinal)
        .ThenBy(g => g.Key.Right, StringComparer.Ordinal)
        .Take(MaxWordsInRule)
        .Select(g => g.Key)];

    private static string MostCommonClaims(List<CorrectionIssue> used, Func<ClaimChange, string> side) =>
        string.Join(", ", CommonClaims(used).Select(side).Distinct(StringComparer.Ordinal).Select(s => $"\"{s}\""));

    private static string MostCommonWords(List<CorrectionIssue> used) => string.Join(", ", CommonWords(used));

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    private static double Ratio(CorrectionIssue e) => e.OriginalLength == 0 ? 1 : (double)e.CorrectedLength / e.OriginalLength;

    private static long Round(double value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);

    private static string Percent(double share) => share.ToString("0%", CultureInfo.InvariantCulture);
}
