using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.PatternLearner;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>Leads approve, reword and retire learned rules over HTTP; guidance serves what they decide.</summary>
public sealed class RuleLifecycleTests
{
    private const string PatternId = "support-bot:billing:over_verbose";
    private static readonly string PatternPath = "/api/patterns/" + Uri.EscapeDataString(PatternId);

    private HitlApp<PatternLearnerService> _app = null!;
    private HttpClient _lead = null!;
    private HttpClient _product = null!;

    private async Task StartAsync(bool requireApproval = false)
    {
        _app = new HitlApp<PatternLearnerService>(new Dictionary<string, string?> { ["PatternLearner:RequireApproval"] = requireApproval.ToString() });
        _lead = _app.ClientAs("lena", HitlRoles.Lead);
        _product = _app.ClientAs("support-bot", HitlRoles.Product);
        for (var i = 1; i <= 3; i++)
        {
            await _app.Services.GetRequiredService<CorrectionLearner>().LearnAsync(CorrectionAcceptedConsumerTests.Correction($"ge-{i}"), CancellationToken.None);
        }
    }

    [TearDown]
    public async Task Stop()
    {
        _lead.Dispose();
        _product.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>The over-verbose rule as guidance serves it: empty, or one.</summary>
    private async Task<List<JsonNode?>> ServedRulesAsync() =>
        [.. (await _product.GetFromJsonAsync<JsonObject>("/api/guidance?productId=support-bot&category=billing&query=refund"))!["rules"]!.AsArray()
            .Where(r => (string?)r!["patternId"] == PatternId)];

    [Test]
    public async Task A_learned_rule_reads_back_with_its_source_and_no_approval()
    {
        await StartAsync();

        var pattern = (await _lead.GetFromJsonAsync<JsonObject>(PatternPath))!;

        Assert.That((string?)pattern["ruleSource"], Is.EqualTo("template"));
        Assert.That((int)pattern["ruleVersion"]!, Is.EqualTo(1));
        Assert.That(pattern["approvedBy"], Is.Null);
        Assert.That(await ServedRulesAsync(), Has.Count.EqualTo(1), "served without approval by default");
    }

    [Test]
    public async Task Where_approval_is_required_a_rule_is_served_once_a_lead_approves_it()
    {
        await StartAsync(requireApproval: true);
        Assert.That(await ServedRulesAsync(), Is.Empty);

        var approved = await _lead.PostAsync(new Uri(PatternPath + "/approve", UriKind.Relative), null);

        Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var pattern = (await approved.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.That(((string?)pattern["approvedBy"], (int?)pattern["approvedVersion"]), Is.EqualTo(("lena", 1)));
        Assert.That(await ServedRulesAsync(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_lead_rewords_a_rule_as_a_new_version_that_is_served_and_announced()
    {
        await StartAsync();

        var edited = await _lead.PutAsJsonAsync(PatternPath + "/rule", new { when = "a customer asks about a refund", insteadOf = "a paragraph", @do = "answer in two sentences", reason = "reviewers keep shortening these" });

        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var rule = (await ServedRulesAsync()).Single()!;
        Assert.That((string?)rule["rule"]!["do"], Is.EqualTo("answer in two sentences"));
        Assert.That((int)rule["version"]!, Is.EqualTo(2));
        var pattern = (await _lead.GetFromJsonAsync<JsonObject>(PatternPath))!;
        Assert.That((string?)pattern["ruleSource"], Is.EqualTo("lead:lena"));
        Assert.That((bool)pattern["outboxPending"]!, Is.False, "the announcement went out");
    }

    [Test]
    public async Task A_rule_without_a_field_is_a_400_naming_it()
    {
        await StartAsync();

        var edited = await _lead.PutAsJsonAsync(PatternPath + "/rule", new { when = "always", insteadOf = "long", @do = "  ", reason = new string('x', 301) });

        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await edited.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "do", "reason" }));
    }

    [Test]
    public async Task A_retired_rule_is_no_longer_served_and_its_mistake_no_longer_a_repeat()
    {
        await StartAsync();

        var retired = await _lead.PostAsync(new Uri(PatternPath + "/retire", UriKind.Relative), null);

        Assert.That(retired.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ServedRulesAsync(), Is.Empty);
        var lessons = await _app.Services.GetRequiredService<CorrectionLearner>().LearnAsync(
            CorrectionAcceptedConsumerTests.Correction("ge-4") with { AcceptedAt = DateTimeOffset.UtcNow.AddMinutes(1) }, CancellationToken.None);
        Assert.That(lessons.Recurrences.Where(r => r.PatternId == PatternId), Is.Empty);
        Assert.That(lessons.Learned.Where(l => l.PatternId == PatternId), Is.Empty, "more examples do not bring a retired rule back");
    }

    [Test]
    public async Task A_pattern_that_does_not_exist_is_a_404_problem()
    {
        await StartAsync();

        var response = await _lead.PostAsync(new Uri("/api/patterns/" + Uri.EscapeDataString("no/such:pattern ü") + "/approve", UriKind.Relative), null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task The_recurrence_report_gives_the_same_mistake_rate_per_day_and_per_rule()
    {
        await StartAsync();
        await _app.Services.GetRequiredService<CorrectionLearner>().LearnAsync(
            CorrectionAcceptedConsumerTests.Correction("ge-4") with { AcceptedAt = DateTimeOffset.UtcNow.AddSeconds(1) }, CancellationToken.None);

        var report = (await _lead.GetFromJsonAsync<JsonObject>("/api/patterns/recurrence?productId=support-bot&days=7"))!;
        var bad = await _lead.GetAsync(new Uri("/api/patterns/recurrence?productId=support-bot&days=0", UriKind.Relative));

        Assert.That((long)report["repeats"]!, Is.EqualTo(1));
        Assert.That(report["daily"]!.AsArray(), Has.Count.EqualTo(7));
        var rule = report["patterns"]!.AsArray().Single(p => (string?)p!["patternId"] == PatternId)!;
        Assert.That(((long)rule["repeats"]!, (bool)rule["working"]!), Is.EqualTo((1L, true)));
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["days"], Is.Not.Null);
    }
}
