using System.Diagnostics.Metrics;
using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Metrics;
using HitlLoop.Feedback.Storage;
using HitlLoop.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.Feedback;

/// <summary>
/// The loop's metrics over a window, per day and week, as gauges, and as AlertRaised once per crossing of the target.
/// Router's and PatternLearner's figures arrive as their events would leave them.
/// </summary>
public sealed class LoopAlertsTests
{
    /// <summary>A Wednesday: its week began on Monday 30 November.</summary>
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start() => _harness = await ServiceHarness.StartAsync(
        [new FeedbackService()],
        new Dictionary<string, string?> { ["Feedback:Alerts:Enabled"] = "false", ["Feedback:Alerts:MinSamples"] = "20" },
        services => services.AddSingleton<TimeProvider>(_clock));

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private IFeedbackStore Store => _harness.Get<IFeedbackStore>();

    private Task<IReadOnlyList<AlertRaised>> Evaluate() => _harness.Get<LoopAlerts>().EvaluateAsync(CancellationToken.None);

    private Task Routed(string product, DateTime day, long responses, long reviewed, int minute = 0) =>
        Store.RecordReviewRateAsync(
            ReviewRateDay.From(new ReviewRateMeasured
            {
                ProductId = product,
                Day = DateOnly.FromDateTime(day),
                Responses = responses,
                ReviewRequested = reviewed,
                ReviewRate = (double)reviewed / responses,
                MeasuredAt = new DateTimeOffset(day.AddHours(23).AddMinutes(minute), TimeSpan.Zero),
            }),
            CancellationToken.None);

    private Task<UserFeedbackRecord> Reacted(string id, DateTime at, bool positive) =>
        Store.RecordUserFeedbackOnceAsync(
            new UserFeedbackRecord { Id = id, ResponseId = "r-" + id, ProductId = "support-bot", ThumbsUp = positive, Positive = positive, SubmittedAt = at, RecordedAt = at },
            CancellationToken.None);

    private Task<ReviewRecord> Reviewed(string id, DateTime at, double seconds, ReviewVerdict verdict = ReviewVerdict.Approved) =>
        Store.RecordReviewOnceAsync(
            new ReviewRecord
            {
                Id = id, ResponseId = "r-" + id, ProductId = "support-bot", ReviewerId = "alice", Verdict = verdict,
                ReviewDurationSeconds = seconds, CompletedAt = at, RecordedAt = at, Outcome = CorrectionOutcome.NotApplicable,
            },
            CancellationToken.None);

    private static DateTime Day(int daysAgo) => Now.UtcDateTime.Date.AddDays(-daysAgo);

    [Test]
    public async Task A_breach_is_raised_once_and_its_recovery_once_for_the_product_and_for_all_products()
    {
        await Routed("support-bot", Day(1), responses: 1_000, reviewed: 150);

        var breach = await Evaluate();
        var again = await Evaluate();

        Assert.That(breach.Select(a => (a.Metric, a.ProductId, a.State)), Is.EquivalentTo(new[]
        {
            ("review_rate", (string?)"support-bot", AlertState.Breached),
            ("review_rate", (string?)null, AlertState.Breached),
        }));
        var alert = breach.Single(a => a.ProductId == "support-bot");
        Assert.Multiple(() =>
        {
            Assert.That(alert.Value, Is.EqualTo(0.15).Within(1e-12));
            Assert.That((alert.Target, alert.Limit, alert.Samples, alert.WindowDays), Is.EqualTo(("< 10%", 0.10, 1_000L, 7)));
            Assert.That(alert.WindowEnd - alert.WindowStart, Is.EqualTo(TimeSpan.FromDays(7)));
        });
        Assert.That(again, Is.Empty, "a breach that stands is not raised again");

        // More of the day's responses, counted later, bring the rate under 10%.
        _clock.Advance(TimeSpan.FromHours(1));
        await Routed("support-bot", Day(1), responses: 3_000, reviewed: 180, minute: 30);
        var recovery = await Evaluate();

        Assert.That(recovery.Select(a => (a.ProductId, a.State)), Is.EquivalentTo(new[]
        {
            ((string?)"support-bot", AlertState.Recovered),
            ((string?)null, AlertState.Recovered),
        }));
        Assert.That(await Evaluate(), Is.Empty);

        var published = _harness.Bus.Published.Select<AlertRaised>().Select(m => m.Context.Message).ToList();
        Assert.That(published.Select(a => a.AlertId), Is.Unique);
        Assert.That(published, Has.Count.EqualTo(4), "each crossing left the outbox once");
    }

    [Test]
    public async Task Too_few_items_neither_breach_nor_recover()
    {
        await Routed("tiny-bot", Day(0), responses: 19, reviewed: 19);

        Assert.That(await Evaluate(), Is.Empty);

        var readings = (await _harness.Get<LoopFiguresReader>().ReadAsync("tiny-bot", Day(6), Now.UtcDateTime, CancellationToken.None)).Readings(20);
        var reviewRate = readings.Single(r => r.Metric == "review_rate");
        Assert.That((reviewRate.Value, reviewRate.MeetsTarget, reviewRate.Breached), Is.EqualTo(((double?)1.0, (bool?)false, false)));
    }

    [Test]
    public async Task Each_metric_is_a_gauge_per_product_and_for_all_products()
    {
        await Routed("support-bot", Day(1), responses: 1_000, reviewed: 80);
        await Routed("sales-bot", Day(2), responses: 1_000, reviewed: 200);
        for (var i = 0; i < 30; i++)
        {
            await Reacted($"f{i}", Day(1).AddMinutes(i), positive: i % 3 != 0);
        }

        var seen = new List<(string Instrument, double Value, string? Product)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, _harness.Get<LoopInstruments>().Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, tags.ToArray().Single(t => t.Key == "product").Value as string)));
        listener.Start();

        await Evaluate();
        listener.RecordObservableInstruments();

        Assert.That(seen.Where(s => s.Instrument == "hitl.loop.review_rate").Select(s => (s.Product, Math.Round(s.Value, 4))), Is.EquivalentTo(new[]
        {
            ((string?)"support-bot", 0.08),
            ((string?)"sales-bot", 0.2),
            ((string?)"all", 0.14),
        }));
        Assert.That(seen.Single(s => s.Instrument == "hitl.loop.positive_feedback_rate" && s.Product == "support-bot").Value, Is.EqualTo(20.0 / 30).Within(1e-12));
        Assert.That(seen.Where(s => s.Instrument == "hitl.loop.reviewer_agreement"), Is.Empty, "nothing measured, nothing reported");
    }

    [Test]
    public async Task The_daily_series_shows_each_day_its_breach_and_the_trend()
    {
        await Routed("support-bot", Day(2), responses: 1_000, reviewed: 200);
        await Routed("support-bot", Day(1), responses: 1_000, reviewed: 120);
        await Routed("support-bot", Day(0), responses: 1_000, reviewed: 50);
        for (var i = 0; i < 25; i++)
        {
            await Reviewed($"slow-{i}", Day(2).AddMinutes(i), seconds: 200 + i);
            await Reviewed($"fast-{i}", Day(0).AddMinutes(i), seconds: 30 + i);
        }

        var series = await MetricSeries.BuildAsync(_harness.Get<LoopFiguresReader>(), "support-bot", BucketSize.Day, 3, 20, Now.UtcDateTime, CancellationToken.None);

        Assert.That(series.Buckets.Select(b => b.Start), Is.EqualTo(new[] { DateOnly.FromDateTime(Day(2)), DateOnly.FromDateTime(Day(1)), DateOnly.FromDateTime(Day(0)) }));
        Assert.That(series.Buckets.Select(b => Reading(b, "review_rate")).Select(r => (r.Value, r.Breached)), Is.EqualTo(new[]
        {
            ((double?)0.2, true), ((double?)0.12, true), ((double?)0.05, false),
        }));
        Assert.That(series.Buckets.Select(b => Reading(b, "review_time_p50").Value), Is.EqualTo(new double?[] { 212, null, 42 }), "nearest-rank median of 25 values is the 13th");
        var reviewRate = series.Trends.Single(t => t.Metric == "review_rate");
        Assert.That((reviewRate.Trend, reviewRate.Latest, reviewRate.Previous, reviewRate.Breached), Is.EqualTo((Trends.Improving, (double?)0.05, (double?)0.12, false)));
        Assert.That(series.Trends.Single(t => t.Metric == "review_time_p50").Trend, Is.EqualTo(Trends.Improving), "compared across the day without reviews");
        Assert.That(series.Trends.Single(t => t.Metric == "reviewer_agreement").Trend, Is.EqualTo(Trends.Unknown));
    }

    [Test]
    public async Task Weekly_buckets_start_on_monday_and_add_up_their_days()
    {
        await Routed("support-bot", new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc), responses: 1_000, reviewed: 100);
        await Routed("support-bot", new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc), responses: 1_000, reviewed: 300);
        await Routed("support-bot", new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc), responses: 2_000, reviewed: 100);
        await Routed("support-bot", new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc), responses: 2_000, reviewed: 100);

        var series = await MetricSeries.BuildAsync(_harness.Get<LoopFiguresReader>(), "support-bot", BucketSize.Week, 2, 20, Now.UtcDateTime, CancellationToken.None);

        Assert.That(series.Buckets.Select(b => (b.Start, b.End)), Is.EqualTo(new[]
        {
            (new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 30)),
            (new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 7)),
        }));
        Assert.That(series.Buckets.Select(b => Reading(b, "review_rate").Value), Is.EqualTo(new double?[] { 0.2, 0.05 }));
        Assert.That(series.Trends.Single(t => t.Metric == "review_rate").Trend, Is.EqualTo(Trends.Improving));
    }

    [Test]
    public async Task Time_from_correction_to_first_guidance_is_the_median_of_the_corrections_served_in_the_window()
    {
        var accepted = Day(3);
        double[] hours = [1, 2, 30, 50, 80];
        for (var i = 0; i < hours.Length; i++)
        {
            await Store.RecordCorrectionServedOnceAsync(
                CorrectionServed.From(new CorrectionFirstServed
                {
                    CorrectionId = $"ge-{i}",
                    ProductId = "support-bot",
                    AcceptedAt = accepted,
                    ServedAt = accepted.AddHours(hours[i]),
                }),
                CancellationToken.None);
        }

        var readings = (await _harness.Get<LoopFiguresReader>().ReadAsync("support-bot", Day(6), Now.UtcDateTime, CancellationToken.None)).Readings(3);

        var reading = readings.Single(r => r.Metric == "correction_to_guidance_p50");
        Assert.That((reading.Value, reading.Samples, reading.MeetsTarget), Is.EqualTo(((double?)30 * 3_600, 5L, (bool?)true)));
    }

    private static MetricReading Reading(MetricBucket bucket, string metric) => bucket.Metrics.Single(r => r.Metric == metric);
}
