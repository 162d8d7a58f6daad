using System.Net;
using System.Net.Http.Json;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Api;
using HitlLoop.ReviewQueue.Reviewers;
using HitlLoop.ServiceDefaults;
using HitlLoop.Tests.Support;

namespace HitlLoop.Tests.ReviewQueue;

/// <summary>Reviewers stored and managed by leads: specializations steer claim-next, availability and capacity gate it.</summary>
public sealed class ReviewerRegistryTests
{
    private HitlApp<ReviewQueueService> _app = null!;
    private HttpClient _lead = null!;

    [SetUp]
    public void Start()
    {
        _app = new HitlApp<ReviewQueueService>(new Dictionary<string, string?>
        {
            ["ReviewQueue:Reviewers:0:Id"] = "seeded",
            ["ReviewQueue:Reviewers:0:Name"] = "Seeded Sam",
            ["ReviewQueue:Reviewers:0:Specializations:0"] = "language:de",
        });
        _lead = _app.ClientAs("lena", "lead");
    }

    [TearDown]
    public async Task Stop()
    {
        _lead.Dispose();
        await _app.DisposeAsync();
    }

    private async Task Enqueue(params ReviewRequested[] requests)
    {
        foreach (var request in requests)
        {
            await _app.Bus.Publish(request);
        }

        await Eventually.Get(
            async () => (await _lead.GetFromJsonAsync<ReviewItemPage>("/api/reviews?status=pending", MessageJson.Options))!.Items.Count,
            count => count >= requests.Length,
            what: "queued items");
    }

    private static ReviewRequested Request(string id, string product = "support-bot", int dueInMinutes = 60, ReviewPriority priority = ReviewPriority.High) => new()
    {
        Response = new ResponseScored { ResponseId = id, ProductId = product, Query = "q", Response = "a" },
        Triggers = [],
        Priority = priority,
        PolicyVersion = "p",
        DueBy = DateTimeOffset.UtcNow.AddMinutes(dueInMinutes),
    };

    private async Task<ReviewerProfile> Put(string id, object change)
    {
        var response = await _lead.PutAsJsonAsync($"/api/reviewers/{Uri.EscapeDataString(id)}", change);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ReviewerProfile>(MessageJson.Options))!;
    }

    private async Task<string?> ClaimNext(string reviewer)
    {
        var response = await _app.ReviewerClient(reviewer).PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null);
        return response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<ReviewItemView>(MessageJson.Options))!.Id : response.StatusCode.ToString();
    }

    [Test]
    public async Task A_specialist_gets_their_product_first_but_an_overdue_item_goes_to_whoever_asks()
    {
        await Put("alice", new { specializations = new { products = new[] { "billing-bot" } } });
        await Enqueue(
            Request("general", priority: ReviewPriority.Urgent),
            Request("billing", product: "billing-bot", priority: ReviewPriority.Low),
            Request("late-general", dueInMinutes: -5, priority: ReviewPriority.Urgent));

        var first = await ClaimNext("alice");
        var second = await ClaimNext("alice");
        var third = await ClaimNext("alice");

        Assert.That(new[] { first, second, third }, Is.EqualTo(new[] { "late-general", "billing", "general" }));
    }

    [Test]
    public async Task A_deactivated_reviewer_gets_a_403_and_an_away_one_a_409_until_they_are_back()
    {
        await Enqueue(Request("r-1"));
        await Put("bob", new { name = "Bob" });

        (await _lead.PostAsync(new Uri("/api/reviewers/bob/deactivate", UriKind.Relative), null)).EnsureSuccessStatusCode();
        var whileDeactivated = await ClaimNext("bob");
        (await _lead.PostAsync(new Uri("/api/reviewers/bob/activate", UriKind.Relative), null)).EnsureSuccessStatusCode();
        var away = await _app.ReviewerClient("bob").PutAsJsonAsync("/api/reviewers/me/availability", new { availability = "away" });
        var whileAway = await ClaimNext("bob");
        await _app.ReviewerClient("bob").PutAsJsonAsync("/api/reviewers/me/availability", new { availability = "active" });
        var back = await ClaimNext("bob");

        Assert.That(whileDeactivated, Is.EqualTo(nameof(HttpStatusCode.Forbidden)));
        Assert.That((await away.Content.ReadFromJsonAsync<ReviewerProfile>(MessageJson.Options))!.Availability, Is.EqualTo(ReviewerAvailability.Away));
        Assert.That(whileAway, Is.EqualTo(nameof(HttpStatusCode.Conflict)));
        Assert.That(back, Is.EqualTo("r-1"));
    }

    [Test]
    public async Task A_reviewer_holds_no_more_items_than_their_limit()
    {
        await Put("alice", new { maxHeld = 1 });
        await Enqueue(Request("a"), Request("b"));

        var first = await ClaimNext("alice");
        var second = await ClaimNext("alice");
        var byId = await _app.ReviewerClient("alice").PostAsync(new Uri("/api/reviews/b/claim", UriKind.Relative), null);
        var again = await _app.ReviewerClient("alice").PostAsync(new Uri($"/api/reviews/{first}/claim", UriKind.Relative), null);

        Assert.That(first, Is.Not.Null.And.Length.EqualTo(1));
        Assert.That(second, Is.EqualTo(nameof(HttpStatusCode.Conflict)));
        Assert.That(byId.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "renewing a claim already held is no new item");
    }

    [Test]
    public async Task Stats_count_reviews_with_their_median_time_and_keep_the_agreement_feedback_reports()
    {
        await Enqueue(Request("s-1"), Request("s-2"), Request("s-3"));
        var alice = _app.ReviewerClient("alice");
        for (var i = 0; i < 3; i++)
        {
            var id = await ClaimNext("alice");
            (await alice.PostAsJsonAsync($"/api/reviews/{id}/submit", new { verdict = "approved" })).EnsureSuccessStatusCode();
        }

        await _app.Bus.Publish(new ReviewerAgreementMeasured { ReviewerId = "alice", Agreement = 0.9, ItemsCompared = 12, MeasuredAt = DateTimeOffset.UtcNow });
        await _app.Bus.Publish(new ReviewerAgreementMeasured { ReviewerId = "alice", Agreement = 0.1, ItemsCompared = 1, MeasuredAt = DateTimeOffset.UtcNow.AddDays(-1) });
        var profile = await Eventually.Get(
            () => _lead.GetFromJsonAsync<ReviewerProfile>("/api/reviewers/alice", MessageJson.Options),
            p => p!.Agreement is not null,
            what: "the agreement to be kept");

        Assert.That(profile!.ReviewsCompleted, Is.EqualTo(3));
        Assert.That(profile.MedianReviewSeconds, Is.Not.Null.And.GreaterThanOrEqualTo(0));
        Assert.That((profile.Agreement, profile.AgreementItems), Is.EqualTo((0.9, 12)));
    }

    [Test]
    public async Task Reviewers_from_configuration_are_registered_and_leads_page_through_them()
    {
        await Put("zed/ü", new { name = "Zed" });
        await Task.Delay(20); // registration order resolves to about 6.5 ms
        await Put("amy", new { name = "Amy" });

        var first = (await _lead.GetFromJsonAsync<ReviewerPage>("/api/reviewers?limit=2", MessageJson.Options))!;
        var rest = (await _lead.GetFromJsonAsync<ReviewerPage>($"/api/reviewers?limit=2&after={Uri.EscapeDataString(first.Next!)}", MessageJson.Options))!;
        var seeded = await _lead.GetFromJsonAsync<ReviewerProfile>("/api/reviewers/seeded", MessageJson.Options);
        var odd = await _lead.GetFromJsonAsync<ReviewerProfile>($"/api/reviewers/{Uri.EscapeDataString("zed/ü")}", MessageJson.Options);
        var invalid = await _lead.PutAsJsonAsync("/api/reviewers/amy", new { maxHeld = 0 });

        Assert.That(first.Items.Concat(rest.Items).Select(r => r.Id), Is.EqualTo(new[] { "seeded", "zed/ü", "amy" }), "in registration order");
        Assert.That(rest.Next, Is.Null);
        Assert.That((seeded!.Name, seeded.Specializations.Languages.Single()), Is.EqualTo(("Seeded Sam", "de")));
        Assert.That(odd!.Name, Is.EqualTo("Zed"));
        Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
