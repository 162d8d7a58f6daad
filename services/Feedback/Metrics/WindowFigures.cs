using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Storage;

namespace HitlLoop.Feedback.Metrics;

/// <summary>What Feedback recorded in [<see cref="From"/>, <see cref="To"/>), from its own data and the events of Router and PatternLearner.</summary>
public sealed record WindowFigures(
    DateTime From,
    DateTime To,
    ReviewRateCounts ReviewRate,
    ReviewCounts Reviews,
    long LifetimeReviews,
    SameMistakeCounts SameMistake,
    AgreementFigures Agreement,
    ReviewTime ReviewTime,
    UserFeedbackCounts UserFeedback,
    IReadOnlyList<double> SecondsToFirstUse)
{
    /// <summary>
    /// Every metric of the window. A reading is breached when it misses its target on at least
    /// <paramref name="minSamples"/> items; the correction rate is only judged once the scope has had
    /// <see cref="LoopMetrics.CorrectionRateJudgedAfter"/> reviews, as the seed says.
    /// </summary>
    public IReadOnlyList<MetricReading> Readings(int minSamples)
    {
        var rated = UserFeedback.Positive + UserFeedback.Negative;
        var toFirstUse = SecondsToFirstUse.Order().ToArray();
        var judged = LifetimeReviews >= LoopMetrics.CorrectionRateJudgedAfter;
        return
        [
            Read(LoopMetric.ReviewRate, ReviewRate.Rate, ReviewRate.Responses),
            Read(LoopMetric.CorrectionRate, Reviews.Reviews == 0 ? null : (double)Reviews.Edited / Reviews.Reviews, Reviews.Reviews, judged,
                judged ? null : $"judged from {LoopMetrics.CorrectionRateJudgedAfter:N0} reviews, {LifetimeReviews:N0} so far"),
            Read(LoopMetric.SameMistakeRate, SameMistake.Rate, SameMistake.Responses),
            Read(LoopMetric.ReviewerAgreement, Agreement.RawAgreement, Agreement.Items),
            Read(LoopMetric.ReviewTimeP50, ReviewTime.P50Seconds, ReviewTime.Reviews),
            Read(LoopMetric.ReviewTimeP90, ReviewTime.P90Seconds, ReviewTime.Reviews),
            Read(LoopMetric.PositiveFeedbackRate, rated == 0 ? null : (double)UserFeedback.Positive / rated, rated),
            Read(LoopMetric.CorrectionToGuidanceP50, toFirstUse.Length == 0 ? null : ReviewTime.NearestRank(toFirstUse, 0.5), toFirstUse.Length),
        ];

        MetricReading Read(LoopMetric metric, double? value, long samples, bool judgedYet = true, string? note = null)
        {
            bool? meets = value is { } measured && judgedYet ? metric.Meets(measured) : null;
            return new MetricReading(metric.Name, value, samples, metric.Target, metric.Limit, meets, meets == false && samples >= minSamples, note);
        }
    }
}

/// <summary>Reads a window's figures for one product or all; each read is bounded by the window, never by history.</summary>
public sealed class LoopFiguresReader(IFeedbackStore store)
{
    /// <summary>The most reviews, or served corrections, whose times a window's percentiles are taken over (the latest).</summary>
    public const int MaxTimedItems = 10_000;

    /// <param name="reviewsBefore">
    /// The scope's reviews before <paramref name="from"/>, when the caller knows them (a series adds its periods up);
    /// otherwise they are counted.
    /// </param>
    public async Task<WindowFigures> ReadAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken, long? reviewsBefore = null)
    {
        var reviews = await store.CountReviewsAsync(productId, from, to, cancellationToken);
        var before = reviewsBefore ?? await ReviewsBeforeAsync(productId, from, cancellationToken);
        var reviewRate = await store.ReviewRateAsync(productId, from, to, cancellationToken);
        return new(
            from,
            to,
            reviewRate,
            reviews,
            before + reviews.Reviews,
            new SameMistakeCounts(await store.CountRepeatedMistakesAsync(productId, from, to, cancellationToken), reviewRate.Responses),
            AgreementFigures.Of(await store.ReviewedItemsAsync(productId, from, to, AgreementReport.MaxItems, cancellationToken)),
            await store.ReviewTimeAsync(productId, from, to, MaxTimedItems, cancellationToken),
            await store.CountUserFeedbackAsync(productId, from, to, cancellationToken),
            await store.SecondsToFirstUseAsync(productId, from, to, MaxTimedItems, cancellationToken));
    }

    /// <summary>The scope's reviews completed before <paramref name="from"/>.</summary>
    public async Task<long> ReviewsBeforeAsync(string? productId, DateTime from, CancellationToken cancellationToken) =>
        (await store.CountReviewsAsync(productId, DateTime.MinValue, from, cancellationToken)).Reviews;
}
