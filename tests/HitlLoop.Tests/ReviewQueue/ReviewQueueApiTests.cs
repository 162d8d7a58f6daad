using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Api;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.ReviewQueue;

public sealed class ReviewQueueApiTests
{
    private HitlApp<ReviewQueueService> _app = null!;

    [SetUp]
    public void Start() => _app = new HitlApp<ReviewQueueService>();

    [TearDown]
    public async Task Stop() => await _app.DisposeAsync();

    private static ReviewRequested Request(string id, ReviewPriority priority = ReviewPriority.High, int dueInMinutes = 60) => new()
    {
        Response = new ResponseScored
        {
            ResponseId = id,
            ProductId = "support-bot",
            Query = "How do I reset my password?",
            Response = "Click forgot password.",
            Confidence = 0.4,
        },
        Triggers = [new ReviewTrigger { Code = "low_confidence", Priority = priority }],
        Priority = priority,
        PolicyVersion = "p-test",
        DueBy = DateTimeOffset.UtcNow.AddMinutes(dueInMinutes),
        RequestedAt = DateTimeOffset.UtcNow,
    };

    private static async Task<IReadOnlyList<ReviewItemView>> Pending(HttpClient client) =>
        (await client.GetFromJsonAsync<ReviewItemPage>("/api/reviews?status=pending", MessageJson.Options))!.Items;

    private async Task Enqueue(HttpClient client, params ReviewRequested[] requests)
    {
        foreach (var request in requests)
        {
            await _app.Bus.Publish(request);
        }

        await Eventually.Get(() => Pending(client), items => items.Count >= requests.Length, what: "queued items");
    }

    [Test]
    public async Task Requests_without_a_reviewer_token_are_refused()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/api/reviews", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task The_queue_lists_by_priority_then_due_time_and_a_duplicate_request_adds_nothing()
    {
        var client = _app.ReviewerClient();
        await Enqueue(client, Request("low", ReviewPriority.Low, 5), Request("urgent", ReviewPriority.Urgent, 30), Request("high", ReviewPriority.High, 10));
        await _app.Bus.Publish(Request("high", ReviewPriority.High, 10));

        var items = await Pending(client);

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "urgent", "high", "low" }));
    }

    [Test]
    public async Task A_claimed_item_cannot_be_taken_by_another_reviewer()
    {
        var alice = _app.ReviewerClient();
        var bob = _app.ReviewerClient(HitlApp<ReviewQueueService>.OtherReviewer);
        await Enqueue(alice, Request("r-1"));

        var claimed = await alice.PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null);
        var stolen = await bob.PostAsync(new Uri("/api/reviews/r-1/claim", UriKind.Relative), null);
        var nothingLeft = await bob.PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null);

        var item = await claimed.Content.ReadFromJsonAsync<ReviewItemView>(MessageJson.Options);
        Assert.That(item!.ClaimedBy, Is.EqualTo("alice"));
        Assert.That(stolen.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(nothingLeft.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Submitting_an_edit_completes_the_item_as_the_authenticated_reviewer()
    {
        var client = _app.ReviewerClient();
        await Enqueue(client, Request("r-2"));
        await client.PostAsync(new Uri("/api/reviews/r-2/claim", UriKind.Relative), null);

        var submitted = await client.PostAsJsonAsync(
            "/api/reviews/r-2/submit",
            new { verdict = "edited", correctedText = "Open Settings, choose Security, then Reset password.", reviewerId = "mallory" });

        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var item = await submitted.Content.ReadFromJsonAsync<ReviewItemView>(MessageJson.Options);
        Assert.That(item!.Status, Is.EqualTo(ReviewStatus.Completed));
        Assert.That(item.Result!.ReviewerId, Is.EqualTo("alice"));
        Assert.That(item.Result.Verdict, Is.EqualTo(ReviewVerdict.Edited));
    }

    [Test]
    public async Task An_edit_without_corrected_text_is_a_400_naming_the_field()
    {
        var client = _app.ReviewerClient();
        await Enqueue(client, Request("r-3"));
        await client.PostAsync(new Uri("/api/reviews/r-3/claim", UriKind.Relative), null);

        var submitted = await client.PostAsJsonAsync("/api/reviews/r-3/submit", new { verdict = "edited", ratings = new { overall = 9 } });

        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await submitted.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.That(problem!.Errors.Keys, Is.EquivalentTo(new[] { "correctedText", "ratings.overall" }));
    }

    [Test]
    public async Task Submitting_without_holding_the_claim_is_a_conflict()
    {
        var client = _app.ReviewerClient();
        await Enqueue(client, Request("r-4"));

        var submitted = await client.PostAsJsonAsync("/api/reviews/r-4/submit", new { verdict = "approved" });

        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        var problem = await submitted.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.That(problem!.Detail, Does.Contain("claim it first"));
    }

    [Test]
    public async Task Queue_stats_count_open_items_past_their_due_time_as_overdue()
    {
        var client = _app.ReviewerClient();
        await Enqueue(client, Request("late", dueInMinutes: -5), Request("on-time", dueInMinutes: 30));
        await client.PostAsync(new Uri("/api/reviews/late/claim", UriKind.Relative), null);

        // The SLA watch flags the late item within a second of starting.
        var stats = await Eventually.Get(
            () => _app.ClientAs("lee", HitlRoles.Lead).GetFromJsonAsync<JsonElement>("/api/queue/stats"),
            s => s.GetProperty("overdue").GetInt64() == 1,
            TimeSpan.FromSeconds(15),
            "the late item to be flagged");

        Assert.That(stats.GetProperty("pending").GetInt64(), Is.EqualTo(1));
        Assert.That(stats.GetProperty("claimed").GetInt64(), Is.EqualTo(1));
        Assert.That(stats.GetProperty("overdue").GetInt64(), Is.EqualTo(1));
        var late = await client.GetFromJsonAsync<ReviewItemView>("/api/reviews/late", MessageJson.Options);
        Assert.That(late!.SlaBreached, Is.True);
    }

    [Test]
    public async Task Queue_stats_follow_every_change_and_a_start_up_recount_agrees()
    {
        var alice = _app.ReviewerClient();
        var bob = _app.ReviewerClient(HitlApp<ReviewQueueService>.OtherReviewer);
        var lead = _app.ClientAs("lee", HitlRoles.Lead);
        await Enqueue(alice, Request("one"), Request("two") with { RequiredReviews = 2 }, Request("three", ReviewPriority.Urgent));
        await alice.PostAsync(new Uri("/api/reviews/two/claim", UriKind.Relative), null);
        await bob.PostAsync(new Uri("/api/reviews/two/claim", UriKind.Relative), null);
        await alice.PostAsync(new Uri("/api/reviews/one/claim", UriKind.Relative), null);
        await alice.PostAsJsonAsync("/api/reviews/one/submit", new { verdict = "approved" });
        await alice.PostAsJsonAsync("/api/reviews/two/submit", new { verdict = "approved" });

        var live = await lead.GetFromJsonAsync<QueueStats>("/api/queue/stats", MessageJson.Options);
        await _app.Services.GetRequiredService<HitlLoop.ReviewQueue.Storage.IReviewItemStore>().FlushCountsAsync(CancellationToken.None);
        var flushed = await lead.GetFromJsonAsync<QueueStats>("/api/queue/stats", MessageJson.Options);
        // What a start-up does: set the counts afresh from the items.
        foreach (var setup in _app.Services.GetServices<IStoreSetup>())
        {
            await setup.SetUpAsync(CancellationToken.None);
        }

        var recounted = await lead.GetFromJsonAsync<QueueStats>("/api/queue/stats", MessageJson.Options);

        Assert.That(
            live,
            Is.EqualTo(new QueueStats(Pending: 1, Claimed: 1, Completed: 1, Overdue: 0, Open: new OpenByPriority(Urgent: 1, High: 1, Medium: 0, Low: 0))),
            "three (urgent) waits for anyone, one is done, two (high) waits on bob");
        Assert.That(flushed, Is.EqualTo(live), "the stored counts once this replica's changes are added");
        Assert.That(recounted, Is.EqualTo(live));
    }

    [Test]
    public async Task An_unknown_item_is_a_404_problem()
    {
        var response = await _app.ReviewerClient().GetAsync(new Uri("/api/reviews/nope", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_bad_status_filter_is_a_400_naming_the_field()
    {
        var response = await _app.ReviewerClient().GetAsync(new Uri("/api/reviews?status=lost", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("errors").TryGetProperty("status", out _), Is.True);
    }
}
