using System.Globalization;
using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Storage;

namespace HitlLoop.Feedback.Metrics;

/// <summary>A measured rate beside the seed's target for it. Null value and null verdict mean "not measured", never zero.</summary>
public sealed record TargetedRate
{
    /// <summary>The metric's name in the series, the gauges and the alerts, e.g. review_rate.</summary>
    public string? Metric { get; init; }

    public double? Value { get; init; }
    public required string Target { get; init; }
    public bool? MeetsTarget { get; init; }

    /// <summary>True when measured and missing the target.</summary>
    public bool Breached => MeetsTarget == false;

    /// <summary>The last 7 days against the 7 before: improving, worsening, steady, or unknown.</summary>
    public string Trend { get; init; } = Trends.Unknown;

    public string? Note { get; init; }
}

public sealed record LoopMetricsReport
{
    public string? ProductId { get; init; }
    public long Reviews { get; init; }
    public long Approved { get; init; }
    public long Edited { get; init; }
    public long Rejected { get; init; }
    public long CorrectionsAccepted { get; init; }
    public long CorrectionsRejected { get; init; }
    public required TargetedRate CorrectionRate { get; init; }
    public required TargetedRate AverageReviewSeconds { get; init; }

    /// <summary>The median time to review: half the reviews took no longer.</summary>
    public required TargetedRate ReviewSecondsP50 { get; init; }

    /// <summary>Nine reviews in ten took no longer than this.</summary>
    public required TargetedRate ReviewSecondsP90 { get; init; }
    public required TargetedRate ReviewerAgreement { get; init; }
    public required TargetedRate ReviewRate { get; init; }
    public required TargetedRate SameMistakeRate { get; init; }
    public required TargetedRate PositiveFeedbackRate { get; init; }

    /// <summary>The median time from a correction's acceptance to the first guidance that returned it.</summary>
    public required TargetedRate CorrectionToGuidanceSeconds { get; init; }
}

/// <summary>The loop's health against the seed's targets, from what Feedback itself has recorded.</summary>
public static class LoopMetrics
{
    public const double MaxCorrectionRate = 0.05;
    public const int CorrectionRateJudgedAfter = 1_000;
    public const double MaxReviewSeconds = 120;
    public const double MinReviewerAgreement = 0.85;
    public const double MaxReviewRate = 0.10;
    public const double MinPositiveFeedbackRate = 0.80;

    /// <summary>Reviewer agreement is measured over the items of the last this many days.</summary>
    public const int AgreementWindowDays = 30;

    /// <summary>Time to review is averaged over the latest reviews, so it follows the team as it gets faster.</summary>
    public const int ReviewTimeWindow = 1_000;

    /// <summary>The review rate and the time to first guidance are over the last this many days.</summary>
    public const int RecentDays = 30;

    /// <summary>Trends compare the last this many days with as many before.</summary>
    public const int TrendDays = 7;

    public static LoopMetricsReport Compute(
        string? productId,
        ReviewCounts counts,
        ReviewTime reviewTime,
        AgreementFigures agreement,
        UserFeedbackCounts userFeedback,
        SameMistakeCounts? sameMistake = null,
        ReviewRateCounts? reviewRate = null,
        IReadOnlyList<double>? secondsToFirstUse = null,
        IReadOnlyDictionary<string, string>? trends = null)
    {
        var report = Compute(productId, counts, reviewTime, agreement, userFeedback, sameMistake ?? SameMistakeCounts.None, reviewRate, secondsToFirstUse ?? []);
        return trends is null ? report : report with
        {
            CorrectionRate = WithTrend(report.CorrectionRate),
            ReviewSecondsP50 = WithTrend(report.ReviewSecondsP50),
            ReviewSecondsP90 = WithTrend(report.ReviewSecondsP90),
            ReviewerAgreement = WithTrend(report.ReviewerAgreement),
            ReviewRate = WithTrend(report.ReviewRate),
            SameMistakeRate = WithTrend(report.SameMistakeRate),
            PositiveFeedbackRate = WithTrend(report.PositiveFeedbackRate),
            CorrectionToGuidanceSeconds = WithTrend(report.CorrectionToGuidanceSeconds),
        };

        TargetedRate WithTrend(TargetedRate rate) =>
            rate.Metric is { } metric && trends.TryGetValue(metric, out var trend) ? rate with { Trend = trend } : rate;
    }

    private static LoopMetricsReport Compute(
        string? productId,
        ReviewCounts counts,
        ReviewTime reviewTime,
        AgreementFigures agreement,
        UserFeedbackCounts userFeedback,
        SameMistakeCounts sameMistake,
        ReviewRateCounts? reviewRate,
        IReadOnlyList<double> secondsToFirstUse)
    {
        var toFirstUse = secondsToFirstUse.Order().ToArray();
        double? firstUseP50 = toFirstUse.Length == 0 ? null : ReviewTime.NearestRank(toFirstUse, 0.5);
        var rated = userFeedback.Positive + userFeedback.Negative;
        var positiveRate = rated == 0 ? (double?)null : (double)userFeedback.Positive / rated;
        var correctionRate = counts.Reviews == 0 ? (double?)null : (double)counts.Edited / counts.Reviews;
        var judged = counts.Reviews >= CorrectionRateJudgedAfter;

        return new LoopMetricsReport
        {
            ProductId = productId,
            Reviews = counts.Reviews,
            Approved = counts.Approved,
            Edited = counts.Edited,
            Rejected = counts.Rejected,
            CorrectionsAccepted = counts.CorrectionsAccepted,
            CorrectionsRejected = counts.CorrectionsRejected,
            CorrectionRate = new TargetedRate
            {
                Metric = LoopMetric.CorrectionRate.Name,
                Value = correctionRate,
                Target = "< 5% after 1,000 reviews",
                MeetsTarget = judged && correctionRate is { } rate ? rate < MaxCorrectionRate : null,
                Note = judged
                    ? "edited share of all reviews"
                    : string.Create(CultureInfo.InvariantCulture, $"edited share of all reviews; judged from {CorrectionRateJudgedAfter:N0} reviews, {counts.Reviews:N0} so far"),
            },
            AverageReviewSeconds = new TargetedRate
            {
                Value = reviewTime.AverageSeconds,
                Target = "< 2 min",
                MeetsTarget = reviewTime.AverageSeconds is { } seconds ? seconds < MaxReviewSeconds : null,
                Note = string.Create(CultureInfo.InvariantCulture, $"mean over the latest {reviewTime.Reviews:N0} reviews (window {ReviewTimeWindow:N0})"),
            },
            ReviewSecondsP50 = ReviewSeconds(LoopMetric.ReviewTimeP50, reviewTime.P50Seconds, "median", reviewTime.Reviews),
            ReviewSecondsP90 = ReviewSeconds(LoopMetric.ReviewTimeP90, reviewTime.P90Seconds, "90th percentile (nearest rank)", reviewTime.Reviews),
            ReviewerAgreement = new TargetedRate
            {
                Metric = LoopMetric.ReviewerAgreement.Name,
                Value = agreement.RawAgreement,
                Target = "> 85%",
                MeetsTarget = agreement.RawAgreement is { } measured ? measured > MinReviewerAgreement : null,
                Note = agreement.RawAgreement is null
                    ? "not measured yet: needs items reviewed blind by more than one reviewer"
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"verdicts agreeing, over {agreement.Items:N0} multi-reviewed items of the last {AgreementWindowDays} days; Krippendorff's alpha {agreement.KrippendorffAlpha:0.000} (GET /api/feedback/agreement)"),
            },
            ReviewRate = new TargetedRate
            {
                Metric = LoopMetric.ReviewRate.Name,
                Value = reviewRate?.Rate,
                Target = LoopMetric.ReviewRate.Target,
                MeetsTarget = reviewRate?.Rate is { } share ? LoopMetric.ReviewRate.Meets(share) : null,
                Note = reviewRate is not { Responses: > 0 } counted
                    ? "not measured yet: Router reports it (ReviewRateMeasured) for each product and day with responses"
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"{counted.Reviewed:N0} of {counted.Responses:N0} responses of the last {RecentDays} days went to a human, as Router counted them (ReviewRateMeasured)"),
            },
            SameMistakeRate = SameMistake(sameMistake),
            CorrectionToGuidanceSeconds = new TargetedRate
            {
                Metric = LoopMetric.CorrectionToGuidanceP50.Name,
                Value = firstUseP50,
                Target = LoopMetric.CorrectionToGuidanceP50.Target,
                MeetsTarget = firstUseP50 is { } delay ? LoopMetric.CorrectionToGuidanceP50.Meets(delay) : null,
                Note = toFirstUse.Length == 0
                    ? "not measured yet: PatternLearner reports each correction's first use in guidance (CorrectionFirstServed)"
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"median over the {toFirstUse.Length:N0} corrections first returned by guidance in the last {RecentDays} days (seed 003: time to improvement under 7 days)"),
            },
            PositiveFeedbackRate = new TargetedRate
            {
                Metric = LoopMetric.PositiveFeedbackRate.Name,
                Value = positiveRate,
                Target = "> 80%",
                MeetsTarget = positiveRate is { } positive ? positive > MinPositiveFeedbackRate : null,
                Note = string.Create(
                    CultureInfo.InvariantCulture,
                    $"end users' thumbs up and 4-5 star ratings among {rated:N0} rated reactions ({userFeedback.Total - rated:N0} neutral)"),
            },
        };
    }

    /// <summary>
    /// The corrections PatternLearner found repeating a mistake whose rule had shipped (<c>PatternRecurrenceMeasured</c>),
    /// among the responses Router counted over the same days (<c>ReviewRateMeasured</c>): how often users still met a
    /// mistake the loop had learned. Only reviewed answers can be found repeating, so the rate is a floor; Router sends
    /// responses that match a known mistake to review, and audits sample the rest.
    /// </summary>
    private static TargetedRate SameMistake(SameMistakeCounts counts) => new()
    {
        Metric = LoopMetric.SameMistakeRate.Name,
        Value = counts.Rate,
        Target = LoopMetric.SameMistakeRate.Target,
        MeetsTarget = counts.Rate is { } rate ? LoopMetric.SameMistakeRate.Meets(rate) : null,
        Note = counts.Rate is null
            ? "not measured yet: needs Router's response counts (ReviewRateMeasured) for the last 7 days"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{counts.Repeats:N0} of {counts.Responses:N0} responses of the last {TrendDays} days repeated a mistake whose rule had shipped (PatternRecurrenceMeasured)"),
    };

    private static TargetedRate ReviewSeconds(LoopMetric metric, double? seconds, string what, int reviews) => new()
    {
        Metric = metric.Name,
        Value = seconds,
        Target = "< 2 min",
        MeetsTarget = seconds is { } measured ? measured < MaxReviewSeconds : null,
        Note = string.Create(CultureInfo.InvariantCulture, $"{what} of the latest {reviews:N0} reviews (window {ReviewTimeWindow:N0})"),
    };
}
