using HitlLoop.Tests.Support;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.PatternLearner;

public sealed class GuidanceApiTests
{
    private HitlApp<PatternLearnerService> _app = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void Start()
    {
        _app = new HitlApp<PatternLearnerService>();
        _client = _app.ClientAs("support-bot", HitlRoles.Product, HitlRoles.Lead);
    }

    [TearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task LearnAsync(CorrectionAccepted correction) =>
        await _app.Services.GetRequiredService<CorrectionLearner>().LearnAsync(correction, CancellationToken.None);

    private static CorrectionAccepted Correction(string id, string query, string category = "billing", int minutesAgo = 0) =>
        CorrectionAcceptedConsumerTests.Correction(id, query, category, minutesAgo);

    private async Task<JsonObject> GuidanceAsync(string query) =>
        (await _client.GetFromJsonAsync<JsonObject>("/api/guidance?" + query))!;

    [Test]
    public async Task Guidance_without_a_product_is_a_400_problem_naming_productId()
    {
        var response = await _client.GetAsync(new Uri("/api/guidance?query=refund", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.That(problem!["errors"]!["productId"], Is.Not.Null);
    }

    [Test]
    public async Task Guidance_puts_the_correction_closest_to_the_query_first()
    {
        await LearnAsync(Correction("ge-1", "Can I get a refund for the duplicate charge on my card?", minutesAgo: 30));
        await LearnAsync(Correction("ge-2", "Why did my invoice go up this month?", minutesAgo: 20));
        await LearnAsync(Correction("ge-3", "Where is my parcel?", category: "shipping", minutesAgo: 10));

        var guidance = await GuidanceAsync("productId=support-bot&query=refund%20for%20a%20duplicate%20charge&limit=2");

        var corrections = guidance["corrections"]!.AsArray();
        Assert.That((string?)corrections[0]!["correctionId"], Is.EqualTo("ge-1"), "best match first");
        Assert.That((double)corrections[0]!["relevance"]!, Is.GreaterThan(corrections.Skip(1).Select(c => (double)c!["relevance"]!).DefaultIfEmpty(0).Max()));
        Assert.That((string?)corrections[0]!["correctedText"], Is.EqualTo(CorrectionAcceptedConsumerTests.Concise));
        Assert.That(corrections[0]!["patternTypes"]!.AsArray().Select(t => (string?)t), Does.Contain("over_verbose"));
    }

    [Test]
    public async Task The_first_guidance_that_returns_a_correction_is_recorded_and_announced_once()
    {
        await LearnAsync(Correction("ge-1", "Can I get a refund for the duplicate charge on my card?", minutesAgo: 30));
        await LearnAsync(Correction("ge-2", "Where is my parcel?", category: "shipping", minutesAgo: 10));
        var store = _app.Services.GetRequiredService<ICorrectionStore>();

        await GuidanceAsync("productId=support-bot&query=refund%20for%20a%20duplicate%20charge&limit=1");
        var first = await store.FirstUses.FindByIdAsync("ge-1");
        await GuidanceAsync("productId=support-bot&query=refund%20for%20a%20duplicate%20charge&limit=1");

        var served = await store.FindAsync("ge-1", CancellationToken.None);
        Assert.That(first, Is.Not.Null);
        Assert.That(served!.FirstServedAt, Is.EqualTo(first!.ServedAt), "the record is marked, so later guidance writes nothing");
        Assert.That((first.AcceptedAt, first.ProductId), Is.EqualTo((served.AcceptedAt, "support-bot")));
        Assert.That(await store.FirstUses.FindByIdAsync("ge-2"), Is.Null, "never returned, never served");
        var published = await Eventually.Get(() => store.FirstUses.FindByIdAsync("ge-1"), f => f is { OutboxPending: false }, what: "the CorrectionFirstServed published");
        Assert.That(published!.Version, Is.EqualTo(1), "written once, delivered once: the second guidance left it alone");
    }

    [Test]
    public async Task Guidance_includes_the_rules_learned_for_the_product_and_category()
    {
        await LearnAsync(Correction("ge-1", "Refund my duplicate charge"));
        await LearnAsync(Correction("ge-2", "Refund the double charge"));
        await LearnAsync(Correction("ge-3", "Why was I charged twice?"));

        var billing = await GuidanceAsync("productId=support-bot&category=Billing&query=refund");
        var shipping = await GuidanceAsync("productId=support-bot&category=shipping&query=refund");

        var rules = billing["rules"]!.AsArray();
        var overVerbose = rules.Single(r => (string?)r!["patternType"] == "over_verbose")!;
        Assert.That((string?)overVerbose["rule"]!["when"], Is.EqualTo("answering billing questions for support-bot"));
        Assert.That((int)overVerbose["version"]!, Is.EqualTo(1));
        Assert.That(shipping["rules"]!.AsArray(), Is.Empty, "a billing rule is not shipping guidance");
        Assert.That(shipping["corrections"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task Patterns_are_listed_with_their_example_counts()
    {
        await LearnAsync(Correction("ge-1", "Refund my duplicate charge"));
        await LearnAsync(Correction("ge-2", "Refund the double charge"));

        var patterns = (await _client.GetFromJsonAsync<JsonArray>("/api/patterns?productId=support-bot"))!;

        var overVerbose = patterns.Single(p => (string?)p!["id"] == "support-bot:billing:over_verbose")!;
        Assert.That((int)overVerbose["exampleCount"]!, Is.EqualTo(2));
        Assert.That(overVerbose["rule"], Is.Null);
    }
}
