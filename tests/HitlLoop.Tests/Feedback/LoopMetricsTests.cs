using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Metrics;
using HitlLoop.Feedback.Storage;

namespace HitlLoop.Tests.Feedback;

public sealed class LoopMetricsTests
{
    private static ReviewCounts Counts(long reviews, long edited) => new(reviews, reviews - edited, edited, 0, edited, 0);

    private static readonly ReviewTime NoReviewTime = new(null, 0);
    private static readonly UserFeedbackCounts NoUserFeedback = new(0, 0, 0);

    [Test]
    public void The_correction_rate_is_not_judged_before_1000_reviews()
    {
        var metrics = LoopMetrics.Compute("support-bot", Counts(999, 10), NoReviewTime, AgreementFigures.None, NoUserFeedback);

        Assert.That(metrics.CorrectionRate.Value, Is.EqualTo(10.0 / 999).Within(1e-12));
        Assert.That(metrics.CorrectionRate.MeetsTarget, Is.Null);
        Assert.That(metrics.CorrectionRate.Note, Does.Contain("999 so far"));
    }

    [TestCase(49, true)]
    [TestCase(50, false)]
    public void From_1000_reviews_the_correction_rate_must_stay_under_5_percent(int edited, bool meets)
    {
        var metrics = LoopMetrics.Compute("support-bot", Counts(1_000, edited), NoReviewTime, AgreementFigures.None, NoUserFeedback);

        Assert.That(metrics.CorrectionRate.MeetsTarget, Is.EqualTo(meets));
    }

    [Test]
    public void Without_reviews_nothing_is_reported_as_met_or_missed()
    {
        var metrics = LoopMetrics.Compute(null, Counts(0, 0), NoReviewTime, AgreementFigures.None, NoUserFeedback);

        Assert.That(
            new[] { metrics.CorrectionRate, metrics.AverageReviewSeconds, metrics.ReviewSecondsP50, metrics.ReviewSecondsP90, metrics.ReviewerAgreement, metrics.ReviewRate, metrics.SameMistakeRate }
                .Select(rate => (rate.Value, rate.MeetsTarget)),
            Is.All.EqualTo(((double?)null, (bool?)null)));
    }

    [Test]
    public void Reviewer_agreement_is_the_raw_agreement_of_multi_reviewed_items_against_85_percent()
    {
        var figures = new AgreementFigures(Items: 40, RawAgreement: 0.8125, KrippendorffAlpha: 0.61, CohenKappa: 0.6, KappaItems: 40);

        var agreement = LoopMetrics.Compute(null, Counts(10, 1), NoReviewTime, figures, NoUserFeedback).ReviewerAgreement;

        Assert.That(agreement.Value, Is.EqualTo(0.8125));
        Assert.That(agreement.MeetsTarget, Is.False, "below the 85% target");
        Assert.That(agreement.Note, Does.Contain("40 multi-reviewed items").And.Contain("alpha 0.610"));
    }

    [Test]
    public void Reviews_averaging_two_minutes_or_more_miss_the_time_target()
    {
        Assert.That(LoopMetrics.Compute(null, Counts(3, 0), new ReviewTime(119.9, 3), AgreementFigures.None, NoUserFeedback).AverageReviewSeconds.MeetsTarget, Is.True);
        Assert.That(LoopMetrics.Compute(null, Counts(3, 0), new ReviewTime(120, 3), AgreementFigures.None, NoUserFeedback).AverageReviewSeconds.MeetsTarget, Is.False);
    }

    [Test]
    public void The_positive_feedback_rate_counts_rated_reactions_against_the_80_percent_target()
    {
        var rate = LoopMetrics.Compute(null, Counts(0, 0), NoReviewTime, AgreementFigures.None, new UserFeedbackCounts(Total: 12, Positive: 9, Negative: 1)).PositiveFeedbackRate;

        Assert.That(rate.Value, Is.EqualTo(0.9).Within(1e-9));
        Assert.That(rate.MeetsTarget, Is.True);
        Assert.That(LoopMetrics.Compute(null, Counts(0, 0), NoReviewTime, AgreementFigures.None, NoUserFeedback).PositiveFeedbackRate.Value, Is.Null);
    }

    [Test]
    public void Time_to_review_gives_the_median_and_the_90th_percentile_by_nearest_rank()
    {
        // Ten reviews: 30 s to 300 s by 30 s. Nearest rank: p50 is the 5th value, p90 the 9th.
        var time = ReviewTime.Of([.. Enumerable.Range(1, 10).Select(i => 30.0 * i).Reverse()]);
        var metrics = LoopMetrics.Compute(null, Counts(10, 0), time, AgreementFigures.None, NoUserFeedback);

        Assert.Multiple(() =>
        {
            Assert.That((time.P50Seconds, time.P90Seconds, time.AverageSeconds), Is.EqualTo(((double?)150, (double?)270, (double?)165)));
            Assert.That((metrics.ReviewSecondsP50.MeetsTarget, metrics.ReviewSecondsP90.MeetsTarget), Is.EqualTo(((bool?)false, (bool?)false)));
            Assert.That(ReviewTime.Of([119, 10, 20]).P90Seconds, Is.EqualTo(119));
            Assert.That(LoopMetrics.Compute(null, Counts(3, 0), ReviewTime.Of([119, 10, 20]), AgreementFigures.None, NoUserFeedback).ReviewSecondsP50.MeetsTarget, Is.True);
            Assert.That(ReviewTime.Of([]).P50Seconds, Is.Null);
        });
    }
}
