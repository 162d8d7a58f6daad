using System.Net;
using System.Net.Http.Json;
using System.Text;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Api;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ServiceDefaults;
using HitlLoop.Tests.Support;
using Microsoft.AspNetCore.Mvc;

namespace HitlLoop.Tests.ReviewQueue;

/// <summary>Blind multi-review, skips, heartbeats and odd ids, through the reviewers' HTTP API.</summary>
public sealed class MultiReviewApiTests
{
    private HitlApp<ReviewQueueService> _app = null!;

    [SetUp]
    public void Start() => _app = new HitlApp<ReviewQueueService>();

    [TearDown]
    public async Task Stop() => await _app.DisposeAsync();

    private HttpClient As(string reviewer) => _app.ReviewerClient(reviewer);

    private static ReviewRequested Request(string id, int requiredReviews = 1, string response = "Click forgot password.") => new()
    {
        Response = new ResponseScored { ResponseId = id, ProductId = "support-bot", Query = "How do I reset my password?", Response = response, Confidence = 0.4 },
        Triggers = [new ReviewTrigger { Code = "random_audit", Priority = ReviewPriority.Low }],
        Priority = ReviewPriority.Low,
        RequiredReviews = requiredReviews,
        PolicyVersion = "p-test",
        DueBy = DateTimeOffset.UtcNow.AddHours(1),
    };

    private async Task Enqueue(params ReviewRequested[] requests)
    {
        foreach (var request in requests)
        {
            await _app.Bus.Publish(request);
        }

        var ids = requests.Select(r => r.Response.ResponseId).ToHashSet();
        await Eventually.Get(
            async () => (await As("alice").GetFromJsonAsync<ReviewItemPage>("/api/reviews?limit=500", MessageJson.Options))!.Items,
            items => ids.IsSubsetOf(items.Select(i => i.Id)),
            what: "queued items");
    }

    private static string Path(string id, string action = "") => $"/api/reviews/{Uri.EscapeDataString(id)}{action}";

    private static async Task<ReviewItemView> Read(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ReviewItemView>(MessageJson.Options))!;
    }

    [Test]
    public async Task A_lead_sees_every_claim_and_answer_before_all_are_in()
    {
        await Enqueue(Request("watched", requiredReviews: 2));
        await Read(await As("alice").PostAsync(new Uri(Path("watched", "/claim"), UriKind.Relative), null));
        await Read(await As("alice").PostAsJsonAsync(Path("watched", "/submit"), new { verdict = "approved" }));
        await Read(await As("bob").PostAsync(new Uri(Path("watched", "/claim"), UriKind.Relative), null));

        var lead = await Read(await _app.ClientAs("lena", "lead").GetAsync(new Uri(Path("watched"), UriKind.Relative)));
        var bob = await Read(await As("bob").GetAsync(new Uri(Path("watched"), UriKind.Relative)));

        Assert.That(lead.Reviews.Select(r => r.ReviewerId), Is.EqualTo(new[] { "alice" }));
        Assert.That(lead.Claims!.Select(c => c.ReviewerId), Is.EqualTo(new[] { "bob" }));
        Assert.That(bob.Reviews, Is.Empty);
        Assert.That(bob.Claims, Is.Null);
    }

    [Test]
    public async Task A_chat_product_reads_where_its_response_review_stands()
    {
        await Enqueue(Request("held-answer"));
        var product = _app.ClientAs("support-bot", "product");

        var waiting = await product.GetFromJsonAsync<ReviewStatusView>("/api/reviews/by-response/held-answer", MessageJson.Options);
        await Read(await As("alice").PostAsync(new Uri(Path("held-answer", "/claim"), UriKind.Relative), null));
        await Read(await As("alice").PostAsJsonAsync(Path("held-answer", "/submit"), new { verdict = "edited", correctedText = "Open Settings, then Security." }));
        var decided = await product.GetFromJsonAsync<ReviewStatusView>("/api/reviews/by-response/held-answer", MessageJson.Options);
        var listing = await product.GetAsync(new Uri("/api/reviews", UriKind.Relative));

        Assert.That((waiting!.Status, waiting.Verdicts.Count), Is.EqualTo((ReviewStatus.Pending, 0)));
        Assert.That(decided!.Status, Is.EqualTo(ReviewStatus.Completed));
        Assert.That(decided.Verdicts.Single().CorrectedText, Is.EqualTo("Open Settings, then Security."));
        Assert.That(listing.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a product reads its verdicts, not the queue");
    }

    [Test]
    public async Task Two_reviewers_review_blind_and_both_answers_show_once_the_second_is_in()
    {
        await Enqueue(Request("audit-1", requiredReviews: 2));
        await Read(await As("alice").PostAsync(new Uri(Path("audit-1", "/claim"), UriKind.Relative), null));
        await Read(await As("bob").PostAsync(new Uri(Path("audit-1", "/claim"), UriKind.Relative), null));

        var aliceDone = await Read(await As("alice").PostAsJsonAsync(Path("audit-1", "/submit"), new { verdict = "edited", correctedText = "Open Settings, then Security, then Reset." }));
        var bobSees = await Read(await As("bob").GetAsync(new Uri(Path("audit-1"), UriKind.Relative)));
        var carolCannot = await As("carol").PostAsync(new Uri(Path("audit-1", "/claim"), UriKind.Relative), null);
        var bobDone = await Read(await As("bob").PostAsJsonAsync(Path("audit-1", "/submit"), new { verdict = "approved" }));

        Assert.That(aliceDone.Status, Is.EqualTo(ReviewStatus.Claimed), "bob still holds the second review");
        Assert.That(aliceDone.Reviews.Select(r => r.ReviewerId), Is.EqualTo(new[] { "alice" }));
        Assert.That(bobSees.Reviews, Is.Empty, "bob must not see alice's answer before giving his own");
        Assert.That(bobSees.ReviewsDone, Is.EqualTo(1));
        Assert.That(carolCannot.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(bobDone.Status, Is.EqualTo(ReviewStatus.Completed));
        Assert.That(bobDone.Reviews.Select(r => (r.ReviewerId, r.ReviewNumber, r.Verdict)),
            Is.EqualTo(new[] { ("alice", 1, ReviewVerdict.Edited), ("bob", 2, ReviewVerdict.Approved) }));
    }

    [Test]
    public async Task Claim_next_never_serves_a_reviewer_the_item_they_already_reviewed()
    {
        await Enqueue(Request("twice", requiredReviews: 2));
        var first = await Read(await As("alice").PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null));
        await Read(await As("alice").PostAsJsonAsync(Path(first.Id, "/submit"), new { verdict = "approved" }));

        var again = await As("alice").PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null);
        var bob = await Read(await As("bob").PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null));

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(bob.Id, Is.EqualTo("twice"));
    }

    [Test]
    public async Task A_skipped_item_goes_to_the_next_reviewer_and_a_skip_needs_a_reason()
    {
        await Enqueue(Request("german"));
        await Read(await As("alice").PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null));

        var noReason = await As("alice").PostAsJsonAsync(Path("german", "/skip"), new { reason = " " });
        var skipped = await Read(await As("alice").PostAsJsonAsync(Path("german", "/skip"), new { reason = "I don't read German" }));
        var aliceAgain = await As("alice").PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null);
        var bob = await Read(await As("bob").PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null));

        Assert.That(noReason.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await noReason.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys, Is.EqualTo(new[] { "reason" }));
        Assert.That(skipped.Status, Is.EqualTo(ReviewStatus.Pending));
        Assert.That(aliceAgain.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(bob.Id, Is.EqualTo("german"));
    }

    [Test]
    public async Task Another_reviewer_cannot_extend_release_or_submit_a_held_lease()
    {
        await Enqueue(Request("held"));
        var claimed = await Read(await As("alice").PostAsync(new Uri(Path("held", "/claim"), UriKind.Relative), null));

        var extend = await As("bob").PostAsync(new Uri(Path("held", "/extend"), UriKind.Relative), null);
        var release = await As("bob").PostAsync(new Uri(Path("held", "/release"), UriKind.Relative), null);
        var submit = await As("bob").PostAsJsonAsync(Path("held", "/submit"), new { verdict = "approved" });
        var heartbeat = await Read(await As("alice").PostAsync(new Uri(Path("held", "/extend"), UriKind.Relative), null));

        Assert.That(new[] { extend.StatusCode, release.StatusCode, submit.StatusCode }, Is.All.EqualTo(HttpStatusCode.Conflict));
        Assert.That(heartbeat.LeaseExpiresAt, Is.GreaterThanOrEqualTo(claimed.LeaseExpiresAt!.Value));
        Assert.That(heartbeat.ClaimedBy, Is.EqualTo("alice"));
    }

    [Test]
    public async Task A_lead_acts_only_as_themselves_never_as_the_reviewer_holding_the_item()
    {
        await Enqueue(Request("alices"));
        await Read(await As("alice").PostAsync(new Uri(Path("alices", "/claim"), UriKind.Relative), null));
        var lead = _app.ClientAs("lena", "lead");

        var submit = await lead.PostAsJsonAsync(Path("alices", "/submit"), new { verdict = "approved", reviewerId = "alice" });
        var release = await lead.PostAsync(new Uri(Path("alices", "/release"), UriKind.Relative), null);
        var item = await Read(await lead.GetAsync(new Uri(Path("alices"), UriKind.Relative)));

        Assert.That((submit.StatusCode, release.StatusCode), Is.EqualTo((HttpStatusCode.Conflict, HttpStatusCode.Conflict)));
        Assert.That(item.Status, Is.EqualTo(ReviewStatus.Claimed));
        Assert.That(item.Claims!.Single().ReviewerId, Is.EqualTo("alice"));
        Assert.That(item.Reviews, Is.Empty);
    }

    [TestCase("conv/42?turn=3#frag")]
    [TestCase("réponse 7 ✓")]
    public async Task Any_response_id_can_be_read_claimed_released_and_submitted(string id)
    {
        await Enqueue(Request(id));

        var read = await Read(await As("alice").GetAsync(new Uri(Path(id), UriKind.Relative)));
        await Read(await As("alice").PostAsync(new Uri(Path(id, "/claim"), UriKind.Relative), null));
        await Read(await As("alice").PostAsync(new Uri(Path(id, "/release"), UriKind.Relative), null));
        await Read(await As("alice").PostAsync(new Uri(Path(id, "/claim"), UriKind.Relative), null));
        var done = await Read(await As("alice").PostAsJsonAsync(Path(id, "/submit"), new { verdict = "approved" }));
        var status = await As("alice").GetFromJsonAsync<ReviewStatusView>($"/api/reviews/by-response/{Uri.EscapeDataString(id)}", MessageJson.Options);

        Assert.That(read.Id, Is.EqualTo(id));
        Assert.That(done.Status, Is.EqualTo(ReviewStatus.Completed));
        Assert.That(status!.ResponseId, Is.EqualTo(id));
        Assert.That(status.Verdicts.Single().Verdict, Is.EqualTo(ReviewVerdict.Approved));
    }

    [Test]
    public async Task Response_ids_that_differ_only_in_case_are_two_reviews()
    {
        await Enqueue(Request("Resp-1", response: "Upper"), Request("resp-1", response: "lower"));

        var upper = await Read(await As("alice").GetAsync(new Uri(Path("Resp-1"), UriKind.Relative)));
        var lower = await Read(await As("alice").GetAsync(new Uri(Path("resp-1"), UriKind.Relative)));

        Assert.That((upper.Response, lower.Response), Is.EqualTo(("Upper", "lower")));
    }

    [Test]
    public async Task An_edit_that_changes_nothing_is_refused_with_a_hint_to_approve()
    {
        await Enqueue(Request("same"));
        await Read(await As("alice").PostAsync(new Uri(Path("same", "/claim"), UriKind.Relative), null));

        var response = await As("alice").PostAsJsonAsync(Path("same", "/submit"), new { verdict = "edited", correctedText = "  Click forgot password. " });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();
        Assert.That(problem!.Errors["correctedText"].Single(), Does.Contain("approve"));
    }

    [Test]
    public async Task A_numeric_verdict_is_a_400_and_so_is_an_over_long_field()
    {
        await Enqueue(Request("strict"));
        await Read(await As("alice").PostAsync(new Uri(Path("strict", "/claim"), UriKind.Relative), null));

        var numeric = await As("alice").PostAsync(
            new Uri(Path("strict", "/submit"), UriKind.Relative), new StringContent("""{"verdict":1}""", Encoding.UTF8, "application/json"));
        var longNotes = await As("alice").PostAsJsonAsync(Path("strict", "/submit"), new { verdict = "approved", notes = new string('n', ReviewSubmission.MaxNotesLength + 1) });

        Assert.That(numeric.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await numeric.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys, Is.EqualTo(new[] { "verdict" }));
        Assert.That(longNotes.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await longNotes.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys, Is.EqualTo(new[] { "notes" }));
        Assert.That((await As("alice").GetFromJsonAsync<ReviewItemView>(Path("strict"), MessageJson.Options))!.Status, Is.EqualTo(ReviewStatus.Claimed));
    }

    [Test]
    public async Task A_body_over_the_limit_is_a_413_problem()
    {
        await Enqueue(Request("big"));
        var body = new StringContent($$"""{"verdict":"edited","correctedText":"{{new string('x', 300 * 1024)}}"}""", Encoding.UTF8, "application/json");

        var response = await As("alice").PostAsync(new Uri(Path("big", "/submit"), UriKind.Relative), body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_lease_that_runs_out_returns_the_item_to_the_queue()
    {
        await using var app = new HitlApp<ReviewQueueService>(new Dictionary<string, string?> { ["ReviewQueue:LeaseDuration"] = "00:00:01" });
        var alice = app.ReviewerClient();
        await app.Bus.Publish(Request("slow"));
        await Eventually.Get(
            async () => (await alice.GetFromJsonAsync<ReviewItemPage>("/api/reviews?status=pending", MessageJson.Options))!.Items.Count,
            count => count == 1, what: "the queued item");
        await Read(await alice.PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null));

        var back = await Eventually.Get(
            async () => (await alice.GetFromJsonAsync<ReviewItemPage>("/api/reviews?status=pending", MessageJson.Options))!.Items,
            items => items.Count == 1 && items[0].ClaimedBy is null,
            TimeSpan.FromSeconds(15),
            "the watch to return the run-out lease");

        Assert.That(back[0].Id, Is.EqualTo("slow"));
        var late = await alice.PostAsJsonAsync("/api/reviews/slow/submit", new { verdict = "approved" });
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task The_pending_list_pages_with_a_cursor_in_queue_order()
    {
        await Enqueue([.. Enumerable.Range(0, 7).Select(i => Request($"page-{i}"))]);
        var alice = As("alice");

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = (await alice.GetFromJsonAsync<ReviewItemPage>($"/api/reviews?status=pending&limit=3{(after is null ? "" : $"&after={after}")}", MessageJson.Options))!;
            seen.AddRange(page.Items.Select(i => i.Id));
            after = page.Next;
            pages++;
        }
        while (after is not null && pages < 10);

        var all = (await alice.GetFromJsonAsync<ReviewItemPage>("/api/reviews?status=pending&limit=500", MessageJson.Options))!.Items.Select(i => i.Id);
        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Is.EqualTo(all));
        Assert.That(seen, Is.Unique.And.Count.EqualTo(7));
        Assert.That((await alice.GetAsync(new Uri("/api/reviews?after=soon", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task The_completed_list_pages_with_a_cursor_through_finished_items_only()
    {
        await Enqueue([.. Enumerable.Range(0, 6).Select(i => Request($"done-{i}"))]);
        var alice = As("alice");
        for (var i = 0; i < 5; i++)
        {
            await Read(await alice.PostAsync(new Uri(Path($"done-{i}", "/claim"), UriKind.Relative), null));
            await Read(await alice.PostAsJsonAsync(Path($"done-{i}", "/submit"), new { verdict = "approved" }));
        }

        var seen = new List<ReviewItemView>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = (await alice.GetFromJsonAsync<ReviewItemPage>($"/api/reviews?status=completed&limit=2{(after is null ? "" : $"&after={after}")}", MessageJson.Options))!;
            seen.AddRange(page.Items);
            after = page.Next;
            pages++;
        }
        while (after is not null && pages < 10);

        var inQueueOrder = (await alice.GetFromJsonAsync<ReviewItemPage>("/api/reviews?limit=500", MessageJson.Options))!.Items
            .Where(i => i.Status == ReviewStatus.Completed).Select(i => i.Id);
        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen.Select(i => i.Id), Is.EqualTo(inQueueOrder));
        Assert.That(seen.Select(i => i.Id), Is.EquivalentTo(Enumerable.Range(0, 5).Select(i => $"done-{i}")));
        Assert.That(seen.Select(i => i.Status), Is.All.EqualTo(ReviewStatus.Completed));
    }
}
