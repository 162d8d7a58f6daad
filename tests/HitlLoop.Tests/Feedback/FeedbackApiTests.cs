using HitlLoop.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Feedback;

public sealed class FeedbackApiTests
{
    private const string Rewrite = "Duplicate charges are always refunded in full, whatever the purchase date.";

    private HitlApp<FeedbackService> _app = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void Start()
    {
        _app = new HitlApp<FeedbackService>();
        _client = _app.ClientAs("lee", HitlRoles.Lead);
    }

    [TearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    // A clock that ticks a second per reading, so "newest first" is decided by the order of recording.
    private readonly SteppingClock _clock = new(new DateTimeOffset(2025, 6, 12, 10, 0, 0, TimeSpan.Zero));

    private async Task Record(ReviewCompleted review) =>
        await ActivatorUtilities.CreateInstance<ReviewIntake>(_app.Services, _clock).RecordAsync(review, CancellationToken.None);

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private int _ticks;

        public override DateTimeOffset GetUtcNow() => start.AddSeconds(Interlocked.Increment(ref _ticks));
    }

    private static ReviewCompleted Review(string id, ReviewVerdict verdict, double seconds, string? corrected = null, string product = "support-bot") =>
        ReviewCompletedConsumerTests.Review(id, verdict, corrected) with { ProductId = product, ReviewDurationSeconds = seconds };

    [Test]
    public async Task Metrics_count_reviews_and_put_each_rate_next_to_its_target()
    {
        await Record(Review("m-1", ReviewVerdict.Approved, 90));
        await Record(Review("m-2", ReviewVerdict.Edited, 60, Rewrite));
        await Record(Review("m-3", ReviewVerdict.Edited, 30, ReviewCompletedConsumerTests.Review("x", ReviewVerdict.Edited).OriginalText + "!"));
        await Record(Review("m-4", ReviewVerdict.Rejected, 600, product: "sales-bot"));

        var metrics = await _client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics?productId=support-bot");

        Assert.That(metrics, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That((int)metrics!["reviews"]!, Is.EqualTo(3));
            Assert.That((int)metrics["approved"]!, Is.EqualTo(1));
            Assert.That((int)metrics["edited"]!, Is.EqualTo(2));
            Assert.That((int)metrics["rejected"]!, Is.EqualTo(0));
            Assert.That((int)metrics["correctionsAccepted"]!, Is.EqualTo(1));
            Assert.That((int)metrics["correctionsRejected"]!, Is.EqualTo(1));

            var correctionRate = metrics["correctionRate"]!;
            Assert.That((double)correctionRate["value"]!, Is.EqualTo(2.0 / 3).Within(1e-9));
            Assert.That((string?)correctionRate["target"], Is.EqualTo("< 5% after 1,000 reviews"));
            Assert.That(correctionRate["meetsTarget"], Is.Null, "not judged before 1,000 reviews");

            var reviewTime = metrics["averageReviewSeconds"]!;
            Assert.That((double)reviewTime["value"]!, Is.EqualTo(60).Within(1e-9));
            Assert.That((string?)reviewTime["target"], Is.EqualTo("< 2 min"));
            Assert.That((bool)reviewTime["meetsTarget"]!, Is.True);

            Assert.That(metrics["reviewerAgreement"]!["value"], Is.Null);
            Assert.That((string?)metrics["reviewerAgreement"]!["target"], Is.EqualTo("> 85%"));
            Assert.That(metrics["reviewRate"]!["value"], Is.Null);
            Assert.That((string?)metrics["reviewRate"]!["note"], Does.Contain("Router"));
            Assert.That(metrics["sameMistakeRate"]!["value"], Is.Null);
            Assert.That((string?)metrics["sameMistakeRate"]!["note"], Does.Contain("ReviewRateMeasured"));
        });
    }

    [Test]
    public async Task The_daily_correction_rate_follows_the_day_each_review_was_completed()
    {
        var now = DateTimeOffset.UtcNow;
        await Record(Review("t-1", ReviewVerdict.Edited, 30, Rewrite) with { CompletedAt = now.AddDays(-1) });
        await Record(Review("t-2", ReviewVerdict.Edited, 30, Rewrite) with { CompletedAt = now });
        await Record(Review("t-3", ReviewVerdict.Approved, 30) with { CompletedAt = now });

        var daily = await _client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics/daily?productId=support-bot&days=3");
        var days = daily!["days"]!.AsArray();

        Assert.That(days.Select(d => (int)d!["reviews"]!), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(days.Select(d => (double?)d!["correctionRate"]), Is.EqualTo(new double?[] { null, 1.0, 0.5 }));
        Assert.That((string?)days[2]!["date"], Is.EqualTo(now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task Days_beyond_90_is_a_400_naming_the_field()
    {
        var response = await _client.GetAsync(new Uri("/api/feedback/metrics/daily?days=365", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"days\""));
    }

    [Test]
    public async Task A_review_shows_its_correction_outcome_and_reasons()
    {
        await Record(Review("r-1", ReviewVerdict.Edited, 40, "Too short"));

        var review = await _client.GetFromJsonAsync<JsonObject>("/api/feedback/reviews/r-1");

        Assert.That((string?)review!["outcome"], Is.EqualTo("rejected"));
        Assert.That((string?)review["rejectionReasons"]![0]!["code"], Is.EqualTo("too_short"));
        Assert.That((string?)review["rejectionReasons"]![0]!["detail"], Does.Contain("9 characters < 10"));
    }

    [Test]
    public async Task An_unknown_review_is_a_404_problem()
    {
        var response = await _client.GetAsync(new Uri("/api/feedback/reviews/nope", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("nope"));
    }

    [Test]
    public async Task Golden_examples_are_listed_newest_first_per_product()
    {
        await Record(Review("g-1", ReviewVerdict.Edited, 40, Rewrite));
        await Record(Review("g-2", ReviewVerdict.Edited, 40, Rewrite + " It reaches your card in 5-7 days."));
        await Record(Review("g-3", ReviewVerdict.Edited, 40, Rewrite, product: "sales-bot"));

        var golden = (await _client.GetFromJsonAsync<JsonObject>("/api/feedback/golden?productId=support-bot&limit=10"))!["items"]!.AsArray();

        Assert.That(golden.Select(g => (string?)g!["id"]), Is.EqualTo(new[] { "ge-g-2", "ge-g-1" }));
        Assert.That((string?)golden[0]!["humanOutput"], Does.EndWith("5-7 days."));
        Assert.That((string?)golden[0]!["query"], Does.Contain("charged twice"));
    }

    [Test]
    public async Task A_golden_limit_out_of_range_is_a_validation_problem()
    {
        var response = await _client.GetAsync(new Uri("/api/feedback/golden?limit=0", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("limit"));
    }
}
