using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.Embedded;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Testing;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HitlLoop.Tests.Security;

/// <summary>What leaves the process besides answers: log lines, and the headers a browser on another site looks for.</summary>
public sealed class ExposureTests
{
    private const string Query = "Zanzibar-query: why was invoice 5531 charged twice?";
    private const string Answer = "Quokka-answer: refunds take 14 days.";
    private const string Correction = "Narwhal-correction: duplicate charges are refunded in full, whatever the date.";

    [Test]
    public async Task Logs_at_information_and_above_hold_no_customer_text_and_no_credentials()
    {
        var logs = new CapturedLogs();
        await using var app = new HitlApp<EmbeddedHost>(services: s => s.AddSingleton<ILoggerProvider>(logs));
        var productToken = TestAuth.Token("support-bot", HitlRoles.Product);
        var reviewerToken = TestAuth.Token("alice", HitlRoles.Reviewer);
        var product = app.ClientWithBearer(productToken);
        var reviewer = app.ClientWithBearer(reviewerToken);
        var ml = app.ClientAs("ml-team", HitlRoles.Ml);

        var scored = new ResponseScored { ResponseId = "leak-1", ProductId = "support-bot", Query = Query, Response = Answer, Confidence = 0.2 };
        using (var posted = await product.PostAsJsonAsync("/api/responses", scored, MessageJson.Options))
        {
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        await Eventually.Get(async () => (await reviewer.PostAsync(new Uri("/api/reviews/leak-1/claim", UriKind.Relative), null)).StatusCode, s => s == HttpStatusCode.OK, what: "the claim");
        using (var submitted = await reviewer.PostAsJsonAsync("/api/reviews/leak-1/submit", new { verdict = "edited", correctedText = Correction }))
        {
            Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await Eventually.Get(
            async () => (await ml.GetFromJsonAsync<JsonElement>(new Uri("/api/feedback/golden", UriKind.Relative))).ToString(),
            body => body.Contains("Narwhal", StringComparison.Ordinal),
            what: "the correction as a golden example");

        var lines = logs.Lines.Where(l => l.Level >= LogLevel.Information).Select(l => l.Text).ToList();
        Assert.That(lines, Is.Not.Empty);
        Assert.That(lines, Has.Some.Contains("leak-1"), "ids are logged, so the capture saw the loop");
        foreach (var secret in new[] { "Zanzibar", "Quokka", "Narwhal", productToken, reviewerToken, TestAuth.SigningKey })
        {
            Assert.That(lines.Where(l => l.Contains(secret, StringComparison.Ordinal)), Is.Empty, $"a log line holds {secret[..Math.Min(12, secret.Length)]}…");
        }
    }

    [Test]
    public async Task A_page_on_another_site_is_granted_no_cross_origin_access()
    {
        await using var app = new HitlApp<EmbeddedHost>();
        var client = app.CreateClient();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/reviews/", UriKind.Relative));
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var answer = await client.SendAsync(preflight);
        using var simple = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative));
        simple.Headers.Add("Origin", "https://evil.example");
        using var health = await client.SendAsync(simple);

        Assert.That(answer.Headers.Any(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)), Is.False);
        Assert.That(health.Headers.Any(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)), Is.False);
    }

    [Test]
    public async Task The_review_pages_origin_is_granted_the_apis_served_apart_and_no_other_is()
    {
        const string pages = "https://review.example.com";
        await using var app = new HitlApp<EmbeddedHost>(new Dictionary<string, string?>
        {
            ["Hitl:Cors:Origins:0"] = pages,
            ["ReviewQueue:Frontend:FeedbackUrl"] = "https://feedback.example.com/",
            ["ReviewQueue:Frontend:PatternLearnerUrl"] = "https://patterns.example.com:8443/",
        });
        var client = app.CreateClient();

        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/api/feedback/metrics/series", UriKind.Relative));
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            return await client.SendAsync(preflight);
        }

        using var allowed = await PreflightAsync(pages);
        using var refused = await PreflightAsync("https://evil.example");
        using var unauthenticated = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/feedback/metrics", UriKind.Relative));
        unauthenticated.Headers.Add("Origin", pages);
        using var challenged = await client.SendAsync(unauthenticated);
        using var config = await client.GetAsync(new Uri("/review/config.json", UriKind.Relative));
        using var page = await client.GetAsync(new Uri("/review/lead.html", UriKind.Relative));
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        var apis = JsonDocument.Parse(await config.Content.ReadAsStringAsync()).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { pages }));
            Assert.That(string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")), Does.Contain("Authorization").IgnoreCase);
            Assert.That(allowed.Headers.Contains("Access-Control-Allow-Credentials"), Is.False, "bearer tokens travel in a header, never with cookies");
            Assert.That(refused.Headers.Any(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)), Is.False);

            // A 401 the page can read, so it can send the reviewer back to sign in.
            Assert.That(challenged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(challenged.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { pages }));

            Assert.That(apis.GetProperty("feedbackUrl").GetString(), Is.EqualTo("https://feedback.example.com/"));
            Assert.That(apis.GetProperty("patternLearnerUrl").GetString(), Is.EqualTo("https://patterns.example.com:8443/"));
            Assert.That(policy, Does.Contain("connect-src 'self' https://feedback.example.com https://patterns.example.com:8443;"));
        });
    }

    [TestCase("https://review.example.com/review/")]
    [TestCase("review.example.com")]
    [TestCase("ftp://review.example.com")]
    public void An_origin_with_a_path_or_without_a_scheme_stops_the_start(string origin)
    {
        var app = new HitlApp<EmbeddedHost>(new Dictionary<string, string?> { ["Hitl:Cors:Origins:0"] = origin });

        var failure = Assert.Catch(() => app.CreateClient());

        Assert.That(failure!.ToString(), Does.Contain("Hitl:Cors:Origins").And.Contain("is not an origin"));
        app.Dispose();
    }

    [Test]
    public async Task The_reviewer_page_forbids_anything_from_elsewhere()
    {
        await using var app = new HitlApp<EmbeddedHost>();

        using var page = await app.CreateClient().GetAsync(new Uri("/review/", UriKind.Relative));
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(policy, Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("frame-ancestors 'none'"));
        Assert.That(policy, Does.Not.Contain("unsafe-inline").And.Not.Contain("unsafe-eval").And.Not.Contain("*"));
        Assert.That(page.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capture(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Capture(CapturedLogs logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Lines.Enqueue((logLevel, $"{category}: {formatter(state, exception)} {exception}"));
        }
    }
}
