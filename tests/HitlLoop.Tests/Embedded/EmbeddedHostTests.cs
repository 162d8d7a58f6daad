using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.Embedded;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Messaging.Journal;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Embedded;

/// <summary>The README's first command: all five services in one process, in-memory bus, embedded store.</summary>
public sealed class EmbeddedHostTests
{
    private static ResponseScored Scored(string id, double confidence) => new()
    {
        ResponseId = id,
        ProductId = "support-bot",
        Query = $"Question {id}: why was I charged twice this month?",
        Response = "Refunds are only possible within 14 days.",
        Confidence = confidence,
        ScoredAt = DateTimeOffset.UtcNow,
    };

    private static async Task<JsonElement> Get(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    private static async Task<int> PendingCount(HttpClient reviewer) => (await Get(reviewer, "/api/reviews?status=pending")).GetProperty("items").GetArrayLength();

    [Test]
    public async Task The_whole_loop_runs_in_one_process()
    {
        await using var app = new HitlApp<EmbeddedHost>(new Dictionary<string, string?>
        {
            ["TrainingOrchestrator:RetrainThreshold"] = "2",
            ["TrainingOrchestrator:PublicBaseUrl"] = "http://localhost",
        });
        var reviewer = app.ReviewerClient();
        var product = app.ClientAs("support-bot", HitlRoles.Product);
        var ml = app.ClientAs("ml-team", HitlRoles.Ml);

        foreach (var scored in new[] { Scored("e-1", 0.3), Scored("e-2", 0.5), Scored("e-3", 0.99) })
        {
            using var posted = await product.PostAsJsonAsync("/api/responses", scored, MessageJson.Options);
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        await Eventually.Get(() => PendingCount(reviewer), n => n == 2, what: "two pending reviews");
        foreach (var id in new[] { "e-1", "e-2" })
        {
            await reviewer.PostAsync(new Uri($"/api/reviews/{id}/claim", UriKind.Relative), null);
            using var submitted = await reviewer.PostAsJsonAsync(
                $"/api/reviews/{id}/submit",
                new { verdict = "edited", correctedText = $"Double charges are refunded in full, whatever the date; refund for {id} is on its way." });
            Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var datasets = await Eventually.Get(() => Get(ml, "/api/datasets"), d => d.GetArrayLength() == 1, what: "a dataset snapshot");
        var datasetId = datasets[0].GetProperty("id").GetString();
        using var download = await ml.GetAsync(new Uri($"/api/datasets/{datasetId}/sft.jsonl", UriKind.Relative));
        var bytes = await download.Content.ReadAsByteArrayAsync();
        var requests = await Get(ml, "/api/retrain-requests");
        var decisions = await Get(ml, "/api/router/stats");

        var journal = app.Services.GetRequiredService<MessageJournal>();
        await Eventually.Get(() => journal.CountAsync(CancellationToken.None), n => n == 0, what: "every journaled message finished");

        Assert.Multiple(() =>
        {
            Assert.That(System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2));
            Assert.That(datasets[0].GetProperty("contentHash").GetString(), Is.EqualTo("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))));
            Assert.That(requests[0].GetProperty("datasetId").GetString(), Is.EqualTo(datasetId));
            Assert.That(decisions.GetProperty("autoApproved").GetInt64(), Is.EqualTo(1));
            Assert.That(decisions.GetProperty("reviewRequested").GetInt64(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task State_survives_a_restart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = new HitlApp<EmbeddedHost>(dataDirectory: dataDirectory))
            {
                var reviewer = first.ReviewerClient();
                await first.ClientAs("support-bot", HitlRoles.Product).PostAsJsonAsync("/api/responses", Scored("kept", 0.2), MessageJson.Options);
                await Eventually.Get(() => PendingCount(reviewer), n => n == 1, what: "the review to be queued");
                await reviewer.PostAsync(new Uri("/api/reviews/kept/claim", UriKind.Relative), null);
            }

            await using var second = new HitlApp<EmbeddedHost>(dataDirectory: dataDirectory);
            var item = await Get(second.ReviewerClient(), "/api/reviews/kept");
            var decision = await Get(second.ClientAs("lee", HitlRoles.Lead), "/api/router/decisions/kept");

            Assert.That(item.GetProperty("status").GetString(), Is.EqualTo("claimed"));
            Assert.That(item.GetProperty("claimedBy").GetString(), Is.EqualTo("alice"));
            Assert.That(decision.GetProperty("outcome").GetString(), Is.EqualTo("reviewRequested"));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Test]
    public async Task A_message_the_last_run_journaled_but_never_finished_is_delivered_at_start_up()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));
        try
        {
            // As a killed process leaves it: the publish was journaled, the in-memory bus lost the message.
            await using (var first = new HitlApp<EmbeddedHost>(dataDirectory: dataDirectory))
            {
                await first.Services.GetRequiredService<MessageJournal>().RecordAsync(
                    Guid.NewGuid().ToString(), Scored("journaled-1", 0.2), typeof(ResponseScored), ["router-response-scored"], CancellationToken.None);
            }

            await using var second = new HitlApp<EmbeddedHost>(dataDirectory: dataDirectory);
            var reviewer = second.ReviewerClient();
            var item = await Eventually.Get(() => TryGet(reviewer, "/api/reviews/journaled-1"), i => i is not null, what: "the review item of the journaled response");
            var journal = second.Services.GetRequiredService<MessageJournal>();
            await Eventually.Get(() => journal.CountAsync(CancellationToken.None), n => n == 0, what: "the journal to empty");

            Assert.That(item!.Value.GetProperty("status").GetString(), Is.EqualTo("pending"));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Test]
    public async Task A_message_its_consumer_refuses_leaves_the_journal_for_the_error_queue()
    {
        await using var app = new HitlApp<EmbeddedHost>();
        var journal = app.Services.GetRequiredService<MessageJournal>();

        await app.Bus.Publish(Scored("refused-1", confidence: 1.5));
        await app.Bus.Publish(Scored("accepted-1", confidence: 0.2));

        await Eventually.Get(() => TryGet(app.ReviewerClient(), "/api/reviews/accepted-1"), i => i is not null, what: "the valid response's item");
        Assert.That(await Eventually.Get(() => journal.CountAsync(CancellationToken.None), n => n == 0, what: "the journal to empty"), Is.Zero);
    }

    private static async Task<JsonElement?> TryGet(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone() : null;
    }

    [Test]
    public async Task A_scored_response_without_an_id_is_a_400_naming_the_field()
    {
        await using var app = new HitlApp<EmbeddedHost>();

        using var posted = await app.ClientAs("support-bot", HitlRoles.Product).PostAsJsonAsync("/api/responses", new { responseId = "", productId = "p", confidence = 0.5 });
        var body = await posted.Content.ReadAsStringAsync();

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body, Does.Contain("responseId"));
    }

    [Test]
    public async Task The_openapi_description_lists_every_service_s_endpoints()
    {
        await using var app = new HitlApp<EmbeddedHost>();

        var description = await Get(app.CreateClient(), "/openapi/v1.json");
        var paths = description.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.That(paths, Is.SupersetOf(new[]
        {
            "/api/router/stats",
            "/api/reviews/{id}/submit",
            "/api/feedback/metrics",
            "/api/guidance",
            "/api/datasets/{id}/sft.jsonl",
        }));
    }

    [Test]
    public async Task The_openapi_description_says_its_operations_need_a_bearer_token()
    {
        await using var app = new HitlApp<EmbeddedHost>();

        var description = await Get(app.CreateClient(), "/openapi/v1.json");

        Assert.That(description.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
        Assert.That(description.GetProperty("security")[0].TryGetProperty("bearer", out _), Is.True);
        Assert.That(description.GetProperty("paths").EnumerateObject().Select(p => p.Name), Has.None.StartsWith("/health"));
    }
}
