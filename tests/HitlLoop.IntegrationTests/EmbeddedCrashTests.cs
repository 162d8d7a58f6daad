using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HitlLoop.IntegrationTests.Support;

namespace HitlLoop.IntegrationTests;

/// <summary>
/// The embedded default (all five services, in-memory bus, embedded store) as its own process, killed with SIGKILL
/// while chat products post and reviewers submit, then restarted on the same data. What was answered 2xx must all be
/// there afterwards, once: a decision and a review item for each accepted response, a review in Feedback and a golden
/// example for each accepted correction. The second test runs the RabbitMQ fault suite's checker on the embedded host.
/// </summary>
[NonParallelizable]
public sealed class EmbeddedCrashTests
{
    private const int Responses = 400;
    private const int KillAfterAccepted = 200;
    private const int Reviews = 40;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-crash", Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProcess> _runs = [];

    [TearDown]
    public async Task Stop()
    {
        await FailureReport.WriteIfFailedAsync(_runs.Select((r, i) => ($"run {i + 1}", (string?)r.Output)));
        foreach (var run in _runs)
        {
            await run.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    [Test]
    public async Task What_was_answered_survives_kill_minus_nine_once_and_only_once()
    {
        var port = ServiceProcess.FreePort();
        var environment = HostEnvironment(port);

        // Run 1: products post as fast as they can; the process dies under them once half are in.
        var first = await StartAsync(port, environment);
        var accepted = new ConcurrentBag<string>();
        var attempted = new ConcurrentBag<string>();
        await PostUntilKilledAsync(first, accepted, attempted);

        // Run 2: the same data. The products send again what was never answered, as a client of an idempotent API does
        // (a decision stored just before the kill gets its review request then). Reviewers correct some items; the
        // process dies right after the last answer.
        var second = await StartAsync(port, environment);
        await RepostAsync(second, attempted.Except(accepted).ToList(), accepted);
        await Eventually.Get(() => PendingAsync(second), n => n >= accepted.Count, what: "every accepted response queued after the restart", timeout: TimeSpan.FromMinutes(2));
        var corrected = await ReviewAsync(second, Reviews);
        await second.DisposeAsync();

        // Run 3: count everything against what was answered.
        var third = await StartAsync(port, environment);
        var lead = Client(third, TestAuth.Token("lee", "lead"));
        var ml = Client(third, TestAuth.Token("ml-team", "ml"));

        var missingDecisions = new List<string>();
        var missingItems = new List<string>();
        foreach (var id in accepted)
        {
            if (!(await lead.GetAsync(new Uri($"api/router/decisions/{Uri.EscapeDataString(id)}", UriKind.Relative))).IsSuccessStatusCode)
            {
                missingDecisions.Add(id);
            }

            if (!(await lead.GetAsync(new Uri($"api/reviews/{Uri.EscapeDataString(id)}", UriKind.Relative))).IsSuccessStatusCode)
            {
                missingItems.Add(id);
            }
        }

        var stats = await Json.GetAsync(lead, "api/router/stats");

        // A review request the last run decided but had not published yet goes out from its outbox after this start.
        var queue = await Eventually.Get(
            () => Json.GetAsync(lead, "api/queue/stats"),
            q => q.GetProperty("pending").GetInt64() + q.GetProperty("claimed").GetInt64() + q.GetProperty("completed").GetInt64() >= stats.GetProperty("total").GetInt64(),
            what: "every decision's review request queued",
            timeout: TimeSpan.FromMinutes(1));
        var golden = await Eventually.Get(
            async () => await Json.GoldenCorrectionsAsync(ml),
            examples => examples.Count >= corrected.Count,
            what: "every accepted correction as a golden example",
            timeout: TimeSpan.FromMinutes(2));
        var decided = stats.GetProperty("total").GetInt64();
        var queued = queue.GetProperty("pending").GetInt64() + queue.GetProperty("claimed").GetInt64() + queue.GetProperty("completed").GetInt64();

        await TestContext.Out.WriteLineAsync(
            $"accepted {accepted.Count} of {Responses} before the kill; decisions {decided}, review items {queued}, " +
            $"lost decisions {missingDecisions.Count}, lost items {missingItems.Count}; corrections answered {corrected.Count}, " +
            $"golden examples {golden.Count} ({golden.Count - golden.Distinct().Count()} duplicated)");
        Assert.Multiple(() =>
        {
            Assert.That(missingDecisions, Is.Empty, "responses answered 202 without a decision after the restart");
            Assert.That(missingItems, Is.Empty, "responses answered 202 without a review item");
            Assert.That(queued, Is.EqualTo(decided), "one review item per decision (all need review), none twice");
            Assert.That(golden, Is.EquivalentTo(corrected), "each correction answered 200 is a golden example, once");
        });
    }

    [Test]
    public async Task The_fault_suite_s_checker_finds_nothing_lost_and_nothing_twice_on_the_embedded_host()
    {
        const int responses = 300;
        const int batch = 25;
        var port = ServiceProcess.FreePort();
        var environment = HostEnvironment(port);
        environment["Router__DefaultConfidenceThreshold"] = "0.8";
        var host = await StartAsync(port, environment);
        // The host comes back on the same address, so these clients outlive each restart.
        using var product = Client(host, TestAuth.Token("support-bot", "product"));
        using var reviewer = Client(host, TestAuth.Token("rita", "reviewer"));
        using var lead = Client(host, TestAuth.Token("lee", "lead"));
        using var ml = Client(host, TestAuth.Token("ml-team", "ml"));
        using var stop = new CancellationTokenSource();
        var corrected = new ConcurrentQueue<string>();
        var unanswered = new ConcurrentQueue<string>();
        var reviewing = LoopChecker.ReviewAsync(reviewer, TimeSpan.FromMilliseconds(100), corrected, unanswered, stop.Token);

        var batches = Enumerable.Range(0, responses).Chunk(batch).ToList();
        var log = new List<string>();
        for (var b = 0; b < batches.Count; b++)
        {
            // Each batch, then the one before again: every response arrives twice, the copies on either side of a kill.
            await PostUntilAcceptedAsync(product, batches[b]);
            if (b > 0)
            {
                await PostUntilAcceptedAsync(product, batches[b - 1]);
            }

            if (b is 3 or 8)
            {
                await host.DisposeAsync();
                host = await StartAsync(port, environment);
                log.Add($"killed the embedded host with SIGKILL and restarted it (corrections answered so far: {corrected.Count})");
            }
        }

        await PostUntilAcceptedAsync(product, batches[^1]);
        await Eventually.Get(async () => (await Json.GetAsync(lead, "api/router/stats")).GetProperty("total").GetInt64(), n => n >= responses, what: "every response decided");
        await Eventually.Get(() => Task.FromResult(corrected.Count), n => n >= 15, what: "the reviewer's corrections", timeout: TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await reviewing;

        await new LoopChecker(lead, lead, ml, lead).CheckAsync(
            responses, Enumerable.Range(0, responses).Count(i => i % 3 == 0), corrected, unanswered, [.. log, $"each response posted twice: {2 * responses} responses in {2 * batches.Count - 1} requests"]);
    }

    /// <summary>Posts the batch as one request, again after a failure, until it is answered 202.</summary>
    private static async Task PostUntilAcceptedAsync(HttpClient product, IEnumerable<int> batch)
    {
        var body = "[" + string.Join(",", batch.Select(i => Json.ResponseScored($"loop/{i:D4} é", i % 3 == 0 ? 0.4 : 0.95))) + "]";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var answer = await product.PostAsync(new Uri("api/responses", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
                if (answer.StatusCode == HttpStatusCode.Accepted)
                {
                    return;
                }

                Assert.That(attempt, Is.LessThan(60), $"the batch was answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException) when (attempt < 60)
            {
                // The host is restarting: a producer tries again.
            }

            await Task.Delay(500);
        }
    }

    /// <summary>The embedded host on <paramref name="port"/> and this test's data, without product rate limits or retraining.</summary>
    private Dictionary<string, string> HostEnvironment(int port) => new(RouterSettings.ConfidenceRuleOnly)
    {
        ["Urls"] = $"http://127.0.0.1:{port}",
        ["Hitl__Embedded__DataDirectory"] = _dataDirectory,
        ["Hitl__Auth__SigningKey"] = TestAuth.SigningKey,
        ["Hitl__RateLimit__ProductRequestsPerSecond"] = "0",
        ["TrainingOrchestrator__RetrainThreshold"] = "1000000",
    };

    private async Task<ServiceProcess> StartAsync(int port, IReadOnlyDictionary<string, string> environment)
    {
        var run = await ServiceProcess.StartAsync("Embedded", port, environment);
        _runs.Add(run);
        return run;
    }

    private static HttpClient Client(ServiceProcess process, string token)
    {
        var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Eight products post at once; after <see cref="KillAfterAccepted"/> answers of 202 the process is killed.</summary>
    private static async Task PostUntilKilledAsync(ServiceProcess process, ConcurrentBag<string> accepted, ConcurrentBag<string> attempted)
    {
        using var product = Client(process, TestAuth.Token("support-bot", "product"));
        var next = -1;
        var killed = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Responses && Volatile.Read(ref killed) == 0)
            {
                var id = $"crash/{i:D4} ✓";
                attempted.Add(id);
                try
                {
                    using var answer = await product.PostAsJsonAsync("api/responses", Response(i));
                    if (answer.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted.Add(id);
                    }
                }
                catch (HttpRequestException)
                {
                    // The process is gone: this response was never answered.
                }

                if (accepted.Count >= KillAfterAccepted && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    await process.DisposeAsync();
                }
            }
        }));
    }

    private static object Response(int i) => new
    {
        responseId = $"crash/{i:D4} ✓",
        productId = "support-bot",
        query = $"Why was I charged twice for order {i}?",
        response = "Refunds are only possible within 14 days.",
        confidence = 0.2,
    };

    private static async Task RepostAsync(ServiceProcess process, IReadOnlyList<string> unanswered, ConcurrentBag<string> accepted)
    {
        using var product = Client(process, TestAuth.Token("support-bot", "product"));
        foreach (var id in unanswered)
        {
            using var answer = await product.PostAsJsonAsync("api/responses", Response(int.Parse(id["crash/".Length..^2], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), $"{id} sent again");
            accepted.Add(id);
        }
    }

    private static async Task<int> PendingAsync(ServiceProcess process)
    {
        using var lead = Client(process, TestAuth.Token("lee", "lead"));
        return (int)(await Json.GetAsync(lead, "api/queue/stats")).GetProperty("pending").GetInt64();
    }

    /// <summary>A reviewer corrects <paramref name="count"/> items; returns the corrections answered 200.</summary>
    private static async Task<List<string>> ReviewAsync(ServiceProcess process, int count)
    {
        using var reviewer = Client(process, TestAuth.Token("rita", "reviewer"));
        var corrected = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var claim = await reviewer.PostAsync(new Uri("api/reviews/claim", UriKind.Relative), null);
            Assert.That(claim.StatusCode, Is.EqualTo(HttpStatusCode.OK), await claim.Content.ReadAsStringAsync());
            var id = (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var text = $"Duplicate charges are always refunded in full; the refund for {id} is on its way.";
            using var submit = await reviewer.PostAsJsonAsync($"api/reviews/{Uri.EscapeDataString(id)}/submit", new { verdict = "edited", correctedText = text });
            Assert.That(submit.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submit.Content.ReadAsStringAsync());
            corrected.Add(text);
        }

        return corrected;
    }
}
