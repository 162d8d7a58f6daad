using System.Globalization;
using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Storage;

namespace HitlLoop.Feedback.Metrics;

/// <summary>A measured rate beside the seed's target for it. Null value and null verdict mean "not measured", never zero.</summary>
public sealed record TargetedRate
{
    public double? Value { get; init; }
    public required string Target { get; init; }
    public bool? MeetsTarget { get; init; }
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
}

/// <summary>The loop's health against the seed's targets, from what Feedback itself has recorded.</summary>
public static class LoopMetrics
{
    public const double MaxCorrectionRate = 0.05;
    public const int CorrectionRateJudgedAfter = 1_000;
    public const double MaxReviewSeconds = 120;
    public const double MinReviewerAgreement = 0.85;
    public const double MaxReviewRate = 0.10;
    public const double MaxSameMistakeRate = 0.01;
    public const double MinPositiveFeedbackRate = 0.80;

    /// <summary>Reviewer agreement is measured over the items of the last this many days.</summary>
    public const int AgreementWindowDays = 30;

    /// <summary>Time to review is averaged over the latest reviews, so it follows the team as it gets faster.</summary>
    public const int ReviewTimeWindow = 1_000;

    public static LoopMetricsReport Compute(
        string? productId,
        ReviewCounts counts,
        ReviewTime reviewTime,
        AgreementFigures agreement,
        UserFeedbackCounts userFeedback,
        SameMistakeCounts? sameMistake = null)
    {
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
            ReviewSecondsP50 = ReviewSeconds(reviewTime.P50Seconds, "median", reviewTime.Reviews),
            ReviewSecondsP90 = ReviewSeconds(reviewTime.P90Seconds, "90th percentile (nearest rank)", reviewTime.Reviews),
            ReviewerAgreement = new TargetedRate
            {
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
                Value = null,
                Target = "< 10%",
                Note = "measured by Router (GET /api/router/stats); Feedback only sees the reviewed responses",
            },
            SameMistakeRate = SameMistake(sameMistake ?? SameMistakeCounts.None),
            PositiveFeedbackRate = new TargetedRate
            {
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
    /// PatternLearner's figures (<c>PatternRecurrenceMeasured</c>): corrections that repeated a mistake whose rule had
    /// shipped, among the corrections of the same window. A product with no repeat in its window counts as none.
    /// </summary>
    private static TargetedRate SameMistake(SameMistakeCounts counts)
    {
        const string target = "< 1%";
        if (!counts.Reported)
        {
            return new TargetedRate
            {
                Target = target,
                Note = "not measured yet: PatternLearner reports it (PatternRecurrenceMeasured) from the first mistake repeated after its rule shipped",
            };
        }

        var rate = counts.Corrections == 0 ? 0 : (double)counts.Repeats / counts.Corrections;
        return new TargetedRate
        {
            Value = rate,
            Target = target,
            MeetsTarget = rate < MaxSameMistakeRate,
            Note = counts.Corrections == 0
                ? string.Create(CultureInfo.InvariantCulture, $"no mistake repeated in the last {counts.WindowDays} days (the latest repeat was on {counts.LatestDay:yyyy-MM-dd})")
                : string.Create(
                    CultureInfo.InvariantCulture,
                    $"{counts.Repeats:N0} of {counts.Corrections:N0} corrections in the last {counts.WindowDays} days repeated a mistake whose rule had shipped, as PatternLearner measured them"),
        };
    }

    private static TargetedRate ReviewSeconds(double? seconds, string what, int reviews) => new()
    {
        Value = seconds,
        Target = "< 2 min",
        MeetsTarget = seconds is { } measured ? measured < MaxReviewSeconds : null,
        Note = string.Create(CultureInfo.InvariantCulture, $"{what} of the latest {reviews:N0} reviews (window {ReviewTimeWindow:N0})"),
    };
}
