using System.Globalization;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.TrainingOrchestrator.Policy;

/// <summary>
/// Turns the loop's other signals into retrain requests (<see cref="RetrainCoordinator.SignalAsync"/>): end users'
/// reactions to a product turning negative over the window (seed 003: above 20% over 7 days, with a minimum volume),
/// mistakes whose rules had shipped recurring above the target (PatternLearner's same-mistake rate), and a retrained
/// model doing worse than the serving one. Each is configurable per product and says what it rests on.
/// </summary>
public sealed class SignalWatch(ISignalStore signals, RetrainCoordinator coordinator, IOptions<TrainingOrchestratorOptions> options, TimeProvider clock)
{
    private TriggerOptions Triggers => options.Value.Triggers;

    /// <summary>Keeps the reaction; a negative one may take its product's share over the threshold.</summary>
    public async Task<SnapshotResult?> ReactedAsync(UserFeedbackSubmitted feedback, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<UserFeedbackSubmitted>(UserFeedbackChecks.Problems(feedback));
        if (feedback.ProductId is not { Length: > 0 } product)
        {
            return null;
        }

        var positive = UserFeedbackChecks.Sentiment(feedback.ThumbsUp, feedback.Rating);
        var submitted = feedback.SubmittedAt == default ? clock.GetUtcNow() : feedback.SubmittedAt;
        await signals.RecordReactionOnceAsync(
            new ReactionRecord
            {
                Id = feedback.FeedbackId,
                ProductId = product,
                DayKey = ReactionRecord.DayKeyOf(product, DateOnly.FromDateTime(submitted.UtcDateTime)),
                Positive = positive,
                SubmittedAt = submitted.UtcDateTime,
            },
            cancellationToken);
        if (positive != false || Triggers.Disabled(product, TriggerReasons.NegativeFeedback))
        {
            return null;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var window = Triggers.NegativeFeedbackWindowDays;
        var (up, down) = await signals.CountReactionsAsync(product, Enumerable.Range(0, window).Select(i => today.AddDays(-i)), cancellationToken);
        var rated = up + down;
        var threshold = Triggers.NegativeFeedbackRateFor(product);
        if (rated < Triggers.MinReactionsFor(product) || (double)down / rated <= threshold)
        {
            return null;
        }

        return await coordinator.SignalAsync(
            new SignalTrigger(TriggerReasons.NegativeFeedback, product, Day(today), new Dictionary<string, double>
            {
                ["negativeRate"] = (double)down / rated,
                ["negativeReactions"] = down,
                ["ratedReactions"] = rated,
                ["threshold"] = threshold,
                ["windowDays"] = window,
            }),
            cancellationToken);
    }

    /// <summary>PatternLearner measured a recurring mistake: above the same-mistake target, the product's model needs retraining.</summary>
    public async Task<SnapshotResult?> RecurredAsync(PatternRecurrenceMeasured measured, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<PatternRecurrenceMeasured>(RecurrenceChecks.Problems(measured));
        var product = measured.ProductId;
        var threshold = Triggers.SameMistakeRateFor(product);
        if (Triggers.Disabled(product, TriggerReasons.PatternShift)
            || measured.ProductCorrections < Triggers.MinCorrectionsFor(product)
            || measured.SameMistakeRate <= threshold)
        {
            return null;
        }

        return await coordinator.SignalAsync(
            new SignalTrigger(TriggerReasons.PatternShift, product, Day(measured.Day), new Dictionary<string, double>
            {
                ["sameMistakeRate"] = measured.SameMistakeRate,
                ["repeats"] = measured.ProductRepeats,
                ["corrections"] = measured.ProductCorrections,
                ["threshold"] = threshold,
                ["windowDays"] = measured.WindowDays,
            }),
            cancellationToken);
    }

    /// <summary>The gate found the new model worse than the serving one: the data since may fix what it learned wrong.</summary>
    public async Task<SnapshotResult?> EvaluatedAsync(RetrainEvaluated evaluated, CancellationToken cancellationToken)
    {
        if (!Triggers.EvaluationRegression || evaluated is not { Improvement: < 0 and var change, Value: { } value, Baseline: { } baseline })
        {
            return null;
        }

        return await coordinator.SignalAsync(
            new SignalTrigger(TriggerReasons.EvaluationRegression, null, evaluated.NewModelVersion, new Dictionary<string, double>
            {
                ["value"] = value,
                ["baseline"] = baseline,
                ["improvement"] = change,
            }),
            cancellationToken);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
