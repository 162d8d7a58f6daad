using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Consumers;
using HitlLoop.Feedback.Metrics;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using YamlDotNet.RepresentationModel;

namespace HitlLoop.Tests.Feedback;

/// <summary>Router's and PatternLearner's figures reach Feedback's metrics as events, and are served with targets, trends and breaches.</summary>
public sealed class LoopMetricsApiTests
{
    private static readonly DateTimeOffset Today = new(DateTime.UtcNow.Date, TimeSpan.Zero);

    [Test]
    public async Task Review_rate_and_time_to_first_guidance_come_from_their_events_and_are_served_with_trend_and_breach()
    {
        await using var app = new HitlApp<FeedbackService>(new Dictionary<string, string?> { ["Feedback:Alerts:Enabled"] = "false" });
        using var client = app.ClientAs("lee", HitlRoles.Lead);

        await app.Bus.Publish(new ReviewRateMeasured
        {
            ProductId = "support-bot/eu", Day = DateOnly.FromDateTime(Today.UtcDateTime), Responses = 2_000, ReviewRequested = 250, Audits = 50,
            ReviewRate = 0.15, MeasuredAt = Today.AddHours(1),
        });
        await app.Bus.Publish(new ReviewRateMeasured
        {
            ProductId = "support-bot/eu", Day = DateOnly.FromDateTime(Today.UtcDateTime.AddDays(-8)), Responses = 1_000, ReviewRequested = 100,
            ReviewRate = 0.1, MeasuredAt = Today.AddDays(-8).AddHours(23),
        });
        await app.Bus.Publish(new CorrectionFirstServed
        {
            CorrectionId = "ge-1", ProductId = "support-bot/eu", AcceptedAt = Today.AddHours(-3), ServedAt = Today.AddHours(-1),
        });

        var metrics = await Eventually.Get(
            async () => await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics?productId=support-bot%2Feu"),
            m => m!["correctionToGuidanceSeconds"]!["value"] is not null && (double?)m["reviewRate"]!["value"] < 0.14,
            what: "all three events consumed");

        var reviewRate = metrics!["reviewRate"]!;
        Assert.Multiple(() =>
        {
            Assert.That((double)reviewRate["value"]!, Is.EqualTo(400.0 / 3_000).Within(1e-12), "both days within the last 30");
            Assert.That((bool)reviewRate["breached"]!, Is.True);
            Assert.That((string?)reviewRate["metric"], Is.EqualTo("review_rate"));
            Assert.That((string?)reviewRate["trend"], Is.EqualTo(Trends.Worsening), "15% this week against 10% the week before");
            Assert.That((double)metrics["correctionToGuidanceSeconds"]!["value"]!, Is.EqualTo(7_200));
            Assert.That((bool)metrics["correctionToGuidanceSeconds"]!["breached"]!, Is.False);
        });

        var series = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics/series?productId=support-bot%2Feu&bucket=week&count=3");
        Assert.That(series!["buckets"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That(series["trends"]!.AsArray().Select(t => (string?)t!["metric"]), Is.EquivalentTo(LoopMetric.All.Select(m => m.Name)));
        var lastWeek = series["buckets"]!.AsArray()[^1]!["metrics"]!.AsArray().Single(m => (string?)m!["metric"] == "review_rate")!;
        Assert.That((double)lastWeek["value"]!, Is.EqualTo(0.15).Within(1e-12));
    }

    [TestCase("bucket=week&count=27", "count")]
    [TestCase("bucket=day&count=0", "count")]
    [TestCase("bucket=fortnight", "bucket")]
    public async Task A_series_out_of_bounds_is_a_400_naming_the_field(string query, string field)
    {
        await using var app = new HitlApp<FeedbackService>(new Dictionary<string, string?> { ["Feedback:Alerts:Enabled"] = "false" });
        using var client = app.ClientAs("lee", HitlRoles.Lead);

        var response = await client.GetAsync(new Uri("/api/feedback/metrics/series?" + query, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.Content.ReadAsStringAsync()), Does.Contain($"\"{field}\""));
    }

    [Test]
    public async Task A_review_rate_counting_more_reviews_than_responses_goes_to_the_error_queue()
    {
        await using var harness = await ServiceHarness.StartAsync([new FeedbackService()], new Dictionary<string, string?> { ["Feedback:Alerts:Enabled"] = "false" });

        await harness.Bus.Bus.Publish(new ReviewRateMeasured { ProductId = "support-bot", Day = new DateOnly(2026, 12, 1), Responses = 10, ReviewRequested = 11 });

        var fault = await harness.Bus.Published.SelectAsync<Fault<ReviewRateMeasured>>().FirstOrDefault();
        Assert.That(fault?.Context.Message.Exceptions[0].Message, Does.Contain("reviewRequested"));
        var counted = await harness.Get<IFeedbackStore>().ReviewRateAsync(null, DateTime.MinValue, DateTime.MaxValue, CancellationToken.None);
        Assert.That(counted.Responses, Is.Zero);
    }

    [Test]
    public async Task A_late_review_rate_of_the_same_day_does_not_undo_a_fuller_one()
    {
        await using var harness = await ServiceHarness.StartAsync([new FeedbackService()], new Dictionary<string, string?> { ["Feedback:Alerts:Enabled"] = "false" });
        var day = new DateOnly(2026, 12, 1);
        var fuller = new ReviewRateMeasured { ProductId = "support-bot", Day = day, Responses = 500, ReviewRequested = 40, MeasuredAt = new DateTimeOffset(2026, 12, 1, 18, 0, 0, TimeSpan.Zero) };
        var earlier = fuller with { Responses = 100, ReviewRequested = 30, MeasuredAt = fuller.MeasuredAt.AddHours(-6) };

        var store = harness.Get<IFeedbackStore>();
        await store.RecordReviewRateAsync(ReviewRateDay.From(fuller), CancellationToken.None);
        await store.RecordReviewRateAsync(ReviewRateDay.From(earlier), CancellationToken.None);

        var counted = await store.ReviewRateAsync("support-bot", DateTime.MinValue, DateTime.MaxValue, CancellationToken.None);
        Assert.That((counted.Responses, counted.Reviewed), Is.EqualTo((500L, 40L)));
        Assert.That(ReviewRateMeasuredConsumer.Problems(fuller), Is.Empty);
    }

    [Test]
    public void The_prometheus_rules_watch_every_metric_at_its_target()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Repository.PathOf("deploy/prometheus/hitlloop-alerts.yml")))
        {
            yaml.Load(reader);
        }

        var rules = ((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"])
            .Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>())
            .Select(r => (
                Expr: ((YamlScalarNode)r["expr"]).Value!,
                Labels: (YamlMappingNode)r["labels"]))
            .ToList();

        foreach (var metric in LoopMetric.All)
        {
            var series = metric.Instrument.Replace('.', '_') + (metric.Unit == "s" ? "_seconds" : "");
            var op = metric.Better == Better.Lower ? ">" : "<";
            var warning = rules.Where(r =>
                ((YamlScalarNode)r.Labels["metric"]).Value == metric.Name && ((YamlScalarNode)r.Labels["severity"]).Value == "warning").ToList();
            Assert.That(warning, Has.Count.EqualTo(1), metric.Name);
            var expr = warning[0].Expr.Split(' ');
            Assert.That((expr[0], expr[1], double.Parse(expr[2], CultureInfo.InvariantCulture)), Is.EqualTo((series, op, metric.Limit)), metric.Name);
        }
    }
}
