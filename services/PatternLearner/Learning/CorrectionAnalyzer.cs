using System.Globalization;
using Microsoft.Extensions.Options;

namespace HitlLoop.PatternLearner.Learning;

/// <summary>
/// One thing a reviewer changed, e.g. pattern type "over_verbose" with detail "shortened to 45% (200 → 90 chars)".
/// Carries the measurements a rule is later derived from, so rules never need the full texts again.
/// </summary>
public sealed record CorrectionIssue
{
    public required string PatternType { get; init; }
    public required string Detail { get; init; }
    public int OriginalLength { get; init; }
    public int CorrectedLength { get; init; }

    /// <summary>Content words the reviewer added (missing_content) or removed (removed_content).</summary>
    public IReadOnlyList<string> Words { get; init; } = [];

    public string? FromTone { get; init; }
    public string? ToTone { get; init; }

    /// <summary>Facts the reviewer swapped (wrong_claim): what the bot said, and what it should have said.</summary>
    public IReadOnlyList<ClaimChange> Claims { get; init; } = [];
}

/// <summary>Diffs an original response against its correction into the kinds of mistake patterns are made of.</summary>
public sealed class CorrectionAnalyzer(IOptions<PatternLearnerOptions> options)
{
    private const int MaxWordsInDetail = 10;

    private readonly PatternLearnerOptions _options = options.Value;

    public IReadOnlyList<CorrectionIssue> Analyze(string? original, string? corrected)
    {
        var before = original?.Trim() ?? "";
        var after = corrected?.Trim() ?? "";
        var issues = new List<CorrectionIssue>();

        var fromTone = ToneClassifier.Classify(before);
        var toTone = ToneClassifier.Classify(after);
        if (fromTone != toTone)
        {
            issues.Add(Issue(PatternTypes.ToneAdjustment, $"tone changed from {fromTone} to {toTone}") with { FromTone = fromTone, ToTone = toTone });
        }

        // An empty original has no length to compare against; the seed treats it as unchanged.
        var ratio = before.Length == 0 ? 1 : (double)after.Length / before.Length;
        if (ratio < _options.OverVerboseRatio)
        {
            issues.Add(Issue(PatternTypes.OverVerbose, $"shortened to {Percent(ratio)} of the original ({before.Length} → {after.Length} chars)"));
        }
        else if (ratio > _options.UnderDetailedRatio)
        {
            issues.Add(Issue(PatternTypes.UnderDetailed, $"expanded to {Percent(ratio)} of the original ({before.Length} → {after.Length} chars)"));
        }

        var content = ContentChanges.Between(before, after);
        if (content.Claims.Count > 0)
        {
            issues.Add(Issue(PatternTypes.WrongClaim, "replaced: " + string.Join("; ", content.Claims.Take(MaxWordsInDetail).Select(c => $"{c.Wrong} → {c.Right}")))
                with { Claims = content.Claims, Words = [.. content.Claims.SelectMany(c => ContentWords.Of(c.Wrong)).Distinct(StringComparer.Ordinal)] });
        }

        if (content.Added.Count > 0)
        {
            issues.Add(Issue(PatternTypes.MissingContent, "added: " + List(content.Added)) with { Words = content.Added });
        }

        if (content.Removed.Count > 0)
        {
            issues.Add(Issue(PatternTypes.RemovedContent, "removed: " + List(content.Removed)) with { Words = content.Removed });
        }

        return issues;

        CorrectionIssue Issue(string type, string detail) =>
            new() { PatternType = type, Detail = detail, OriginalLength = before.Length, CorrectedLength = after.Length };
    }

    private static string Percent(double ratio) => ratio.ToString("0%", CultureInfo.InvariantCulture);

    private static string List(IReadOnlyList<string> words) =>
        string.Join(", ", words.Take(MaxWordsInDetail)) + (words.Count > MaxWordsInDetail ? $" (+{words.Count - MaxWordsInDetail} more)" : "");
}
