using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Testing;
using HitlLoop.Tests.Support;

namespace HitlLoop.Tests.Router;

public sealed class PoliciesApiTests
{
    private const string Product = "support/bot é";

    private HitlApp<RouterService> _app = null!;
    private HttpClient _admin = null!;
    private HttpClient _product = null!;

    [SetUp]
    public void Start()
    {
        _app = new HitlApp<RouterService>(new Dictionary<string, string?> { ["Router:AuditSampleRate"] = "0" });
        _admin = _app.ClientAs("ada", HitlRoles.Admin);
        _product = _app.ClientAs("support-bot", HitlRoles.Product);
    }

    [TearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        _product.Dispose();
        await _app.DisposeAsync();
    }

    private static string PolicyPath => $"/api/router/policies/{Uri.EscapeDataString(Product)}";

    private Task<HttpResponseMessage> Put(string json) =>
        _admin.PutAsync(new Uri(PolicyPath, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<JsonElement> Route(string id, double confidence)
    {
        var scored = JsonSerializer.Serialize(new { responseId = id, productId = Product, query = "q", response = "a", confidence });
        using var posted = await _product.PostAsync(new Uri("/api/responses", UriKind.Relative), new StringContent(scored, Encoding.UTF8, "application/json"));
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        return await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/router/decisions/{Uri.EscapeDataString(id)}", UriKind.Relative));
    }

    [Test]
    public async Task An_admin_s_policy_is_versioned_and_later_decisions_follow_and_name_it()
    {
        var before = await _admin.GetFromJsonAsync<JsonElement>(new Uri(PolicyPath, UriKind.Relative));
        Assert.That(before.GetProperty("source").GetString(), Is.EqualTo("configuration"));
        Assert.That((await Route("under-config", 0.75)).GetProperty("outcome").GetString(), Is.EqualTo("reviewRequested"));

        using var first = await Put("""{"confidenceThreshold":0.7,"disabledTriggers":["negative_sentiment"]}""");
        var v1 = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(v1.GetProperty("version").GetString(), Is.EqualTo($"{Product}@v1"));
        Assert.That(v1.GetProperty("updatedBy").GetString(), Is.EqualTo("ada"), "identity from the token");

        var decided = await Route("under-v1", 0.75);
        Assert.That(decided.GetProperty("outcome").GetString(), Is.EqualTo("autoApproved"));
        Assert.That(decided.GetProperty("policyVersion").GetString(), Is.EqualTo($"{Product}@v1"));
        Assert.That(decided.GetProperty("confidenceThreshold").GetDouble(), Is.EqualTo(0.7));

        using var second = await Put("""{"confidenceThreshold":0.8}""");
        var current = await _admin.GetFromJsonAsync<JsonElement>(new Uri(PolicyPath, UriKind.Relative));
        Assert.That(current.GetProperty("version").GetString(), Is.EqualTo($"{Product}@v2"));
        var history = current.GetProperty("history").EnumerateArray().Single();
        Assert.That(history.GetProperty("policyVersion").GetInt32(), Is.EqualTo(1));
        Assert.That(history.GetProperty("settings").GetProperty("confidenceThreshold").GetDouble(), Is.EqualTo(0.7));
        Assert.That((await Route("under-v2", 0.75)).GetProperty("outcome").GetString(), Is.EqualTo("reviewRequested"));
    }

    [TestCase("""{"confidenceThreshold":5}""", "confidenceThreshold")]
    [TestCase("""{"confidenceThreshold":"NaN"}""", "confidenceThreshold")]
    [TestCase("""{"confidenceThreshold":1e400}""", "confidenceThreshold")]
    [TestCase("""{"agreementReviews":7}""", "agreementReviews")]
    [TestCase("""{"auditSampleRate":-0.1}""", "auditSampleRate")]
    [TestCase("""{"disabledTriggers":["low_confidence","nope"]}""", "disabledTriggers[1]")]
    [TestCase("""{"disabledTriggers":null}""", "disabledTriggers")]
    [TestCase("""{"reviewBudgetPerHour":0}""", "reviewBudgetPerHour")]
    [TestCase("""{"reviewBudgetPerDay":2000000}""", "reviewBudgetPerDay")]
    [TestCase("""{"reviewBudgetPerHour":1e400}""", "reviewBudgetPerHour")]
    [TestCase("""{"reviewBudgetPerDay":2.5}""", "reviewBudgetPerDay")]
    public async Task A_bad_policy_is_a_400_naming_the_field_and_changes_nothing(string json, string field)
    {
        using var put = await Put(json);
        var body = await put.Content.ReadAsStringAsync();

        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), Is.True, body);
        var current = await _admin.GetFromJsonAsync<JsonElement>(new Uri(PolicyPath, UriKind.Relative));
        Assert.That(current.GetProperty("source").GetString(), Is.EqualTo("configuration"));
    }

    [Test]
    public async Task A_shadow_policy_decides_beside_the_live_one_never_acts_and_reports_against_reviewers()
    {
        using var started = await _admin.PutAsync(
            new Uri($"{PolicyPath}/shadow", UriKind.Relative), new StringContent("""{"confidenceThreshold":0.8}""", Encoding.UTF8, "application/json"));
        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        foreach (var (id, confidence) in new[] { ("s-95", 0.95), ("s-85", 0.85), ("s-70", 0.7), ("s-50", 0.5) })
        {
            await Route(id, confidence);
        }

        var live = await _admin.GetFromJsonAsync<JsonElement>(new Uri("/api/router/decisions/s-85", UriKind.Relative));
        Assert.That(live.GetProperty("outcome").GetString(), Is.EqualTo("reviewRequested"), "the shadow never acts");
        Assert.That(live.GetProperty("shadow").GetProperty("needsReview").GetBoolean(), Is.False);

        // Reviewers: s-85 was fine as it was, s-70 needed an edit, s-50 was fine too. s-85's verdict arrives twice.
        foreach (var (id, verdict) in new[] { ("s-85", ReviewVerdict.Approved), ("s-70", ReviewVerdict.Edited), ("s-50", ReviewVerdict.Approved), ("s-85", ReviewVerdict.Approved) })
        {
            await _app.Bus.Publish(new ReviewCompleted { ReviewId = "rv-" + id, ResponseId = id, ProductId = Product, ReviewerId = "alice", Verdict = verdict });
        }

        var report = await Eventually.Get(
            () => _admin.GetFromJsonAsync<JsonElement>(new Uri($"{PolicyPath}/shadow", UriKind.Relative)),
            r => r.GetProperty("verdicts").GetInt32() == 3,
            what: "three verdicts in the report");
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("running").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("decisions").GetInt32(), Is.EqualTo(4));
            Assert.That(report.GetProperty("liveReviewRate").GetDouble(), Is.EqualTo(0.75));
            Assert.That(report.GetProperty("shadowReviewRate").GetDouble(), Is.EqualTo(0.5));
            Assert.That(report.GetProperty("agreement").GetDouble(), Is.EqualTo(0.75));
            Assert.That(report.GetProperty("shadowRightRate").GetDouble(), Is.EqualTo(2.0 / 3).Within(1e-9));
            Assert.That(report.GetProperty("liveRightRate").GetDouble(), Is.EqualTo(1.0 / 3).Within(1e-9));
            Assert.That(report.GetProperty("shadowMissed").GetInt32(), Is.Zero);
        });

        using var stopped = await _admin.DeleteAsync(new Uri($"{PolicyPath}/shadow", UriKind.Relative));
        await Route("after-stop", 0.85);
        var final = await _admin.GetFromJsonAsync<JsonElement>(new Uri($"{PolicyPath}/shadow", UriKind.Relative));
        Assert.That(final.GetProperty("running").GetBoolean(), Is.False);
        Assert.That(final.GetProperty("decisions").GetInt32(), Is.EqualTo(4), "a stopped shadow decides nothing more");
    }

    [Test]
    public async Task A_review_budget_set_over_http_turns_medium_items_away_once_spent_and_says_so()
    {
        using var put = await Put("""{"reviewBudgetPerHour":1}""");
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var decided = new List<JsonElement>();
        foreach (var id in new[] { "disputed-1", "disputed-2" })
        {
            var scored = JsonSerializer.Serialize(new
            {
                responseId = id, productId = Product, query = "q", response = "a", confidence = 0.95, committeeScores = new { a = 0.95, b = 0.3 },
            });
            using var posted = await _product.PostAsync(new Uri("/api/responses", UriKind.Relative), new StringContent(scored, Encoding.UTF8, "application/json"));
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            decided.Add(await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/router/decisions/{id}", UriKind.Relative)));
        }

        Assert.That(decided.Select(d => d.GetProperty("outcome").GetString()), Is.EqualTo(new[] { "reviewRequested", "autoApproved" }));
        Assert.That(decided[1].GetProperty("budgetSkipped").GetBoolean(), Is.True);
        Assert.That(decided[1].GetProperty("budget").GetString(), Does.StartWith("the hourly review budget of 1 is spent"));

        var budget = await _admin.GetFromJsonAsync<JsonElement>(new Uri($"{PolicyPath}/budget", UriKind.Relative));
        var hour = budget.GetProperty("windows").EnumerateArray().Single();
        Assert.That((budget.GetProperty("perHour").GetInt32(), hour.GetProperty("spent").GetInt32(), hour.GetProperty("skipped").GetInt32()), Is.EqualTo((1, 1, 1)));
        var stats = await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/router/stats?productId={Uri.EscapeDataString(Product)}", UriKind.Relative));
        Assert.That(stats.GetProperty("budgetSkipped").GetInt64(), Is.EqualTo(1));
    }
}
