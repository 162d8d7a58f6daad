using HitlLoop.Contracts;
using HitlLoop.PatternLearner.Learning;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace HitlLoop.PatternLearner;

/// <summary>Indexes each accepted correction and folds it into the patterns it belongs to, learning rules as they recur.</summary>
public sealed class CorrectionLearner(
    CorrectionAnalyzer analyzer,
    ICorrectionIndex corrections,
    IPatternStore patterns,
    IOptions<PatternLearnerOptions> options,
    TimeProvider clock,
    ILogger<CorrectionLearner> logger)
{
    private readonly int _minExamples = options.Value.MinExamplesPerPattern;

    /// <summary>Lower-cased and trimmed so "Billing" and "billing " make one pattern; blank means no category.</summary>
    public static string? NormalizeCategory(string? category) =>
        string.IsNullOrWhiteSpace(category) ? null : category.Trim().ToLowerInvariant();

    /// <returns>The rules this correction caused to be (re-)learned, to publish.</returns>
    public async Task<IReadOnlyList<PatternLearned>> LearnAsync(CorrectionAccepted correction, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<CorrectionAccepted>(CorrectionAcceptedValidator.Problems(correction));

        // Whole milliseconds, as both stores keep them: a rule re-announced from the store equals the first announcement.
        var utcNow = clock.GetUtcNow().UtcDateTime;
        var now = utcNow.AddTicks(-(utcNow.Ticks % TimeSpan.TicksPerMillisecond));

        // The first delivery's analysis stands. Every step after this one is idempotent by its own key, so a
        // redelivery (after a crash part-way, or a plain duplicate) completes the work without counting twice.
        var record = await corrections.RecordOnceAsync(
            new CorrectionRecord
            {
                Id = correction.GoldenExampleId,
                ProductId = correction.ProductId,
                Category = NormalizeCategory(correction.Context?.Category),
                Query = correction.Query,
                OriginalText = correction.OriginalText,
                CorrectedText = correction.CorrectedText,
                Issues = analyzer.Analyze(correction.OriginalText, correction.CorrectedText),
                ResponseId = correction.ResponseId,
                ReviewerId = correction.ReviewerId,
                AcceptedAt = correction.AcceptedAt == default ? now : correction.AcceptedAt.UtcDateTime,
                RecordedAt = now,
            },
            cancellationToken);

        var learned = new List<PatternLearned>();
        foreach (var issue in record.Issues)
        {
            var pattern = await AddToPatternAsync(record, issue, now, cancellationToken);

            // True for the correction that tipped the pattern over, on its first delivery and on any redelivery.
            if (pattern.LearnedFromCorrectionId == record.Id)
            {
                logger.LogInformation(
                    "Pattern {PatternId} has rule version {RuleVersion} from {ExampleCount} corrections",
                    pattern.Id,
                    pattern.RuleVersion,
                    pattern.RuleExampleCount);
                learned.Add(pattern.ToEvent());
            }
        }

        return learned;
    }

    private async Task<Pattern> AddToPatternAsync(CorrectionRecord record, CorrectionIssue issue, DateTime now, CancellationToken cancellationToken)
    {
        var patternId = Pattern.IdFor(record.ProductId, record.Category, issue.PatternType);
        await patterns.AddExampleAsync(
            new PatternExample
            {
                Id = PatternExample.IdFor(patternId, record.Id),
                PatternId = patternId,
                CorrectionId = record.Id,
                Issue = issue,
                AcceptedAt = record.AcceptedAt,
            },
            cancellationToken);

        var count = await patterns.CountExamplesAsync(patternId, cancellationToken);
        var latest = await patterns.LatestExamplesAsync(patternId, RuleDeriver.MaxExamples, cancellationToken);
        var empty = new Pattern { Id = patternId, ProductId = record.ProductId, Category = record.Category, PatternType = issue.PatternType };

        return await patterns.UpdateAsync(empty, current => Advance(current, count, latest, record.Id, now), cancellationToken);
    }

    /// <summary>
    /// Moves the pattern to <paramref name="count"/> examples, deriving a new rule when a threshold is crossed.
    /// Counts only ever grow, so a writer holding an older (smaller) count leaves the pattern alone: whoever
    /// counted more has already folded this correction in.
    /// </summary>
    private Pattern? Advance(Pattern current, int count, IReadOnlyList<PatternExample> latest, string correctionId, DateTime now)
    {
        if (count <= current.ExampleCount)
        {
            return null;
        }

        var next = current with
        {
            Version = current.Version + 1,
            ExampleCount = count,
            RecentExampleIds = [.. latest.Select(e => e.CorrectionId)],
            UpdatedAt = now,
        };

        if (!RuleSchedule.IsDue(current.RuleExampleCount, count, _minExamples))
        {
            return next;
        }

        return next with
        {
            Rule = RuleDeriver.Derive(current.PatternType, current.ProductId, current.Category, [.. latest.Select(e => e.Issue)], count),
            Signature = RuleDeriver.Signature(current.PatternType, [.. latest.Select(e => e.Issue)]),
            RuleVersion = current.RuleVersion + 1,
            RuleExampleCount = count,
            LearnedFromCorrectionId = correctionId,
            LearnedAt = now,
        };
    }
}
