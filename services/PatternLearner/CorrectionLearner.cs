using HitlLoop.Contracts;
using HitlLoop.PatternLearner.Learning;
using HitlLoop.PatternLearner.Retrieval;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace HitlLoop.PatternLearner;

/// <summary>Indexes each accepted correction and folds it into the patterns it belongs to, learning rules as they recur.</summary>
public sealed class CorrectionLearner(
    CorrectionAnalyzer analyzer,
    ICorrectionStore corrections,
    CorrectionIndexFeed index,
    RuleWriter writer,
    TextEmbedder embedder,
    IPatternStore patterns,
    IOptions<PatternLearnerOptions> options,
    TimeProvider clock,
    ILogger<CorrectionLearner> logger)
{
    private readonly int _minExamples = options.Value.MinExamplesPerPattern;
    private readonly RecurrenceOptions _recurrence = options.Value.Recurrence;

    /// <summary>Lower-cased and trimmed so "Billing" and "billing " make one pattern; blank means no category.</summary>
    public static string? NormalizeCategory(string? category) =>
        string.IsNullOrWhiteSpace(category) ? null : category.Trim().ToLowerInvariant();

    /// <returns>The rules this correction caused to be (re-)learned, and the recurrences it measured, to publish.</returns>
    public async Task<Lessons> LearnAsync(CorrectionAccepted correction, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<CorrectionAccepted>(CorrectionAcceptedValidator.Problems(correction));

        // Whole milliseconds, as both stores keep them: a rule re-announced from the store equals the first announcement.
        var utcNow = clock.GetUtcNow().UtcDateTime;
        var now = utcNow.AddTicks(-(utcNow.Ticks % TimeSpan.TicksPerMillisecond));

        var category = NormalizeCategory(correction.Context?.Category);
        var acceptedAt = correction.AcceptedAt == default ? now : correction.AcceptedAt.UtcDateTime;
        var day = DateOnly.FromDateTime(acceptedAt);
        var issues = analyzer.Analyze(correction.OriginalText, correction.CorrectedText);
        var repeated = await RepeatedAsync(correction.ProductId, category, issues, acceptedAt, cancellationToken);
        var dayKey = CorrectionRecord.DayKeyOf(correction.ProductId, day);

        // The first delivery's analysis stands. Every step after this one is idempotent by its own key, so a
        // redelivery (after a crash part-way, or a plain duplicate) completes the work without counting twice.
        var meaning = new CorrectionRecord
        {
            Id = correction.GoldenExampleId,
            ProductId = correction.ProductId,
            Query = correction.Query,
            OriginalText = correction.OriginalText,
            CorrectedText = correction.CorrectedText,
        };
        var record = await corrections.RecordOnceAsync(
            meaning with
            {
                Category = category,
                Issues = issues,
                Embedding = TextEmbedder.ToBytes(embedder.Embed(CorrectionSearch.MeaningOf(meaning))),
                ResponseId = correction.ResponseId,
                ReviewerId = correction.ReviewerId,
                AcceptedAt = acceptedAt,
                RecordedAt = now,
                RepeatedPatternIds = repeated,
                DayKey = dayKey,
                RepeatDayKey = repeated.Count > 0 ? dayKey : null,
            },
            cancellationToken);
        index.Indexed(record);

        var learned = new List<PatternLearned>();
        var recurrences = new List<PatternRecurrenceMeasured>();
        foreach (var issue in record.Issues)
        {
            var pattern = await AddToPatternAsync(record, issue, now, cancellationToken);
            if (record.RepeatedPatternIds.Contains(pattern.Id, StringComparer.Ordinal))
            {
                recurrences.Add(await MeasureRecurrenceAsync(record, pattern, now, cancellationToken));
            }

            // True for the correction that tipped the pattern over, on its first delivery and on any redelivery.
            if (pattern.LearnedFromCorrectionId == record.Id)
            {
                pattern = await WordRuleAsync(pattern, cancellationToken);
                logger.LogInformation(
                    "Pattern {PatternId} has rule version {RuleVersion} from {ExampleCount} corrections",
                    pattern.Id,
                    pattern.RuleVersion,
                    pattern.RuleExampleCount);
                learned.Add(pattern.ToEvent());
            }
        }

        return new Lessons(learned, recurrences);
    }

    /// <summary>
    /// Has the language model word a rule the template just derived, when one is configured. The template rule is
    /// stored first, so a model that is slow, down or wrong never holds a rule back; on a redelivery the model is
    /// asked again if its wording never landed.
    /// </summary>
    private async Task<Pattern> WordRuleAsync(Pattern pattern, CancellationToken cancellationToken)
    {
        if (!writer.UsesModel || pattern.RuleSource != RuleSources.Template || pattern.Rule is null)
        {
            return pattern;
        }

        var examples = new List<RuleExample>();
        foreach (var correctionId in pattern.RecentExampleIds)
        {
            if (await corrections.FindAsync(correctionId, cancellationToken) is { } example)
            {
                var detail = example.Issues.FirstOrDefault(i => i.PatternType == pattern.PatternType)?.Detail ?? "";
                examples.Add(new RuleExample(example.Query, example.OriginalText, example.CorrectedText, detail));
            }
        }

        var written = await writer.WriteAsync(
            new RuleRequest(pattern.PatternType, pattern.ProductId, pattern.Category, pattern.Rule, examples, pattern.RuleExampleCount),
            cancellationToken);
        if (written.Source == RuleSources.Template)
        {
            return pattern;
        }

        // Only onto the rule it was written for: a newer derivation or a lead's edit since stands.
        return await patterns.UpdateAsync(
            pattern,
            current => current.RuleVersion == pattern.RuleVersion && current.RuleSource == RuleSources.Template
                ? current with { Version = current.Version + 1, Rule = written.Rule, RuleSource = written.Source }
                : null,
            cancellationToken);
    }

    /// <summary>The patterns of <paramref name="issues"/> whose rule shipped before the correction was accepted.</summary>
    private async Task<List<string>> RepeatedAsync(
        string productId, string? category, IReadOnlyList<CorrectionIssue> issues, DateTime acceptedAt, CancellationToken cancellationToken)
    {
        var repeated = new List<string>();
        foreach (var issue in issues)
        {
            var patternId = Pattern.IdFor(productId, category, issue.PatternType);
            if (await patterns.FindAsync(patternId, cancellationToken) is { Serves: true } pattern && (pattern.FirstLearnedAt ?? pattern.LearnedAt) <= acceptedAt)
            {
                repeated.Add(patternId);
            }
        }

        return repeated;
    }

    /// <summary>The pattern's and its product's same-mistake figures over the window ending on the correction's day; flags the rule when its mistakes keep recurring.</summary>
    private async Task<PatternRecurrenceMeasured> MeasureRecurrenceAsync(CorrectionRecord record, Pattern repeated, DateTime now, CancellationToken cancellationToken)
    {
        var patternId = repeated.Id;
        var last = DateOnly.FromDateTime(record.AcceptedAt);
        var window = Enumerable.Range(0, _recurrence.WindowDays).Select(back => last.AddDays(-back)).ToList();
        var repeats = await patterns.CountRepeatsAsync(patternId, window, cancellationToken);
        var (productCorrections, productRepeats) = await corrections.CountAsync(record.ProductId, window, cancellationToken);
        var working = repeats < _recurrence.NotWorkingRepeats;

        var pattern = await patterns.UpdateAsync(
            repeated,
            current => current.Working == working && current.RecentRepeats == repeats
                ? null
                : current with { Version = current.Version + 1, Working = working, RecentRepeats = repeats, UpdatedAt = now },
            cancellationToken);
        if (!working)
        {
            logger.LogWarning(
                "Rule {PatternId} v{RuleVersion} is not working: its mistake recurred {Repeats} times in {Days} days",
                patternId, pattern.RuleVersion, repeats, _recurrence.WindowDays);
        }

        return new PatternRecurrenceMeasured
        {
            PatternId = patternId,
            PatternType = pattern.PatternType,
            ProductId = record.ProductId,
            Category = record.Category,
            RuleVersion = pattern.RuleVersion,
            CorrectionId = record.Id,
            Day = last,
            WindowDays = _recurrence.WindowDays,
            Repeats = repeats,
            ProductRepeats = productRepeats,
            ProductCorrections = productCorrections,
            SameMistakeRate = productCorrections == 0 ? 0 : (double)productRepeats / productCorrections,
            Working = working,
            MeasuredAt = new DateTimeOffset(now, TimeSpan.Zero),
        };
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
                RepeatKey = record.RepeatedPatternIds.Contains(patternId, StringComparer.Ordinal)
                    ? CorrectionRecord.DayKeyOf(patternId, DateOnly.FromDateTime(record.AcceptedAt))
                    : null,
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

        // A rule a lead wrote or retired is theirs: more examples do not re-derive it.
        if (!RuleSchedule.IsDue(current.RuleExampleCount, count, _minExamples) || current.RuleSource.StartsWith(RuleSources.LeadPrefix, StringComparison.Ordinal) || current.Retired)
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
            FirstLearnedAt = current.FirstLearnedAt ?? now,
            RuleSource = RuleSources.Template,
        };
    }
}

/// <summary>What one correction taught: rules (re-)learned, and the recurrences of shipped rules it measured.</summary>
public sealed record Lessons(IReadOnlyList<PatternLearned> Learned, IReadOnlyList<PatternRecurrenceMeasured> Recurrences);
