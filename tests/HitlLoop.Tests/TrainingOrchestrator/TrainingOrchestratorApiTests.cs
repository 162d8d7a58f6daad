using HitlLoop.Tests.Support;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.TrainingOrchestrator;

public sealed class TrainingOrchestratorApiTests
{
    private HitlApp<TrainingOrchestratorService> _factory = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void Start()
    {
        _factory = new HitlApp<TrainingOrchestratorService>(new Dictionary<string, string?>
        {
            ["TrainingOrchestrator:EvalFraction"] = "0.5",
            ["TrainingOrchestrator:Cooldown"] = "00:00:00",
            ["TrainingOrchestrator:MaxOpenRequests"] = "100",
            ["TrainingOrchestrator:PublicBaseUrl"] = "https://training.example.com",
        });
        _client = _factory.ClientAs("lee", HitlRoles.Lead);
    }

    [TearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task AcceptAsync(int count, int answerLength = 0)
    {
        var coordinator = _factory.Services.GetRequiredService<RetrainCoordinator>();
        for (var i = 1; i <= count; i++)
        {
            var answer = answerLength > 0 ? $"{i}: " + new string('x', answerLength) : null;
            await coordinator.AcceptAsync(TrainingData.Correction($"gold-{i:D3}", answer), CancellationToken.None);
        }
    }

    private async Task<JsonElement> RetrainAsync()
    {
        using var response = await _client.PostAsync(new Uri("/api/retrain", UriKind.Relative), null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static int LineCount(byte[] bytes) => bytes.Count(b => b == (byte)'\n');

    [Test]
    public async Task A_manual_retrain_snapshots_the_examples_and_the_download_matches_the_advertised_hash()
    {
        await AcceptAsync(20);

        var accepted = await RetrainAsync();
        var datasetId = accepted.GetProperty("datasetId").GetString();
        var dataset = await _client.GetFromJsonAsync<JsonElement>($"/api/datasets/{datasetId}");
        using var download = await _client.GetAsync(new Uri($"/api/datasets/{datasetId}/sft.jsonl", UriKind.Relative));
        var bytes = await download.Content.ReadAsByteArrayAsync();

        var advertised = dataset.GetProperty("contentHash").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(datasetId, Is.EqualTo("ds-000001"));
            Assert.That(accepted.GetProperty("requestId").GetString(), Is.EqualTo("rr-000001"));
            Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(download.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/jsonl"));
            Assert.That(Sha256(bytes), Is.EqualTo(advertised));
            Assert.That(download.Headers.ETag?.Tag, Is.EqualTo($"\"{advertised}\""));
            Assert.That(LineCount(bytes), Is.EqualTo(20));
            Assert.That(dataset.GetProperty("triggerReason").GetString(), Is.EqualTo("manual"));
            Assert.That(
                dataset.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("url").GetString()),
                Does.Contain("https://training.example.com/api/datasets/ds-000001/sft.jsonl?split=eval"));
        });
    }

    [Test]
    public async Task A_large_dataset_downloads_whole_with_its_hash_and_length_and_a_range_resumes_it()
    {
        await AcceptAsync(60, answerLength: 100_000);
        await RetrainAsync();

        var snapshot = await _factory.Services.GetRequiredService<IDatasetStore>().FindSnapshotAsync("ds-000001", CancellationToken.None);
        var dataset = await _client.GetFromJsonAsync<JsonElement>("/api/datasets/ds-000001");
        using var whole = await _client.GetAsync(new Uri("/api/datasets/ds-000001/sft.jsonl", UriKind.Relative));
        var bytes = await whole.Content.ReadAsByteArrayAsync();
        using var rangeRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/datasets/ds-000001/sft.jsonl", UriKind.Relative));
        rangeRequest.Headers.Range = new RangeHeaderValue(1_234_567, 2_345_678);
        using var range = await _client.SendAsync(rangeRequest);
        var part = await range.Content.ReadAsByteArrayAsync();
        using var tailRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/datasets/ds-000001/sft.jsonl", UriKind.Relative));
        tailRequest.Headers.Range = new RangeHeaderValue(null, 100);
        using var tail = await _client.SendAsync(tailRequest);

        Assert.That(snapshot!.ChunkIds, Is.Empty, "no copy of the lines is stored: they are rendered from the examples");
        Assert.That(LineCount(bytes), Is.EqualTo(60));
        Assert.That(Sha256(bytes), Is.EqualTo(dataset.GetProperty("contentHash").GetString()));
        Assert.That(whole.Content.Headers.ContentLength, Is.EqualTo(bytes.Length));
        Assert.That(whole.Headers.AcceptRanges, Does.Contain("bytes"));
        Assert.That(range.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(range.Content.Headers.ContentRange?.ToString(), Is.EqualTo($"bytes 1234567-2345678/{bytes.Length}"));
        Assert.That(part, Is.EqualTo(bytes[1_234_567..2_345_679]));
        Assert.That(await tail.Content.ReadAsByteArrayAsync(), Is.EqualTo(bytes[^100..]));
    }

    [Test]
    public async Task The_manifest_gives_counts_balance_reviewers_lineage_and_each_file_s_hash()
    {
        await AcceptAsync(20);
        await RetrainAsync();

        var manifest = await _client.GetFromJsonAsync<JsonElement>("/api/datasets/ds-000001/manifest");
        var sft = await _client.GetByteArrayAsync(new Uri("/api/datasets/ds-000001/sft.jsonl?split=train", UriKind.Relative));

        Assert.That(manifest.GetProperty("counts").GetProperty("examples").GetInt32(), Is.EqualTo(20));
        Assert.That(manifest.GetProperty("classes").GetProperty("preference_pair").GetInt64(), Is.EqualTo(20));
        Assert.That(manifest.GetProperty("products").GetProperty("support-bot").GetInt64(), Is.EqualTo(20));
        Assert.That(manifest.GetProperty("reviewers").GetInt64(), Is.EqualTo(1));
        Assert.That((manifest.GetProperty("firstNewOrdinal").GetInt64(), manifest.GetProperty("maxOrdinal").GetInt64()), Is.EqualTo((1L, 20L)));
        var train = manifest.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("format").GetString() == "sft-jsonl" && f.GetProperty("split").GetString() == "train");
        Assert.That((train.GetProperty("contentHash").GetString(), train.GetProperty("bytes").GetInt64()), Is.EqualTo((Sha256(sft), (long)sft.Length)));
    }

    [Test]
    public async Task The_train_and_eval_downloads_split_the_dataset_without_overlap()
    {
        await AcceptAsync(20);
        await RetrainAsync();

        var all = await _client.GetByteArrayAsync(new Uri("/api/datasets/ds-000001/sft.jsonl", UriKind.Relative));
        var train = await _client.GetStringAsync(new Uri("/api/datasets/ds-000001/sft.jsonl?split=train", UriKind.Relative));
        var eval = await _client.GetStringAsync(new Uri("/api/datasets/ds-000001/sft.jsonl?split=eval", UriKind.Relative));
        var dataset = await _client.GetFromJsonAsync<JsonElement>("/api/datasets/ds-000001");

        var trainLines = train.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var evalLines = eval.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(trainLines, Is.Not.Empty);
            Assert.That(evalLines, Is.Not.Empty);
            Assert.That(trainLines.Length + evalLines.Length, Is.EqualTo(LineCount(all)));
            Assert.That(trainLines, Has.All.Contains("\"split\":\"train\""));
            Assert.That(evalLines, Has.All.Contains("\"split\":\"eval\""));
            Assert.That(evalLines.Length, Is.EqualTo(dataset.GetProperty("counts").GetProperty("eval").GetInt32()));
        });
    }

    [Test]
    public async Task A_client_holding_the_current_etag_is_told_nothing_changed()
    {
        await AcceptAsync(3);
        await RetrainAsync();
        using var first = await _client.GetAsync(new Uri("/api/datasets/ds-000001/sft.jsonl", UriKind.Relative));

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/datasets/ds-000001/sft.jsonl", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var again = await _client.SendAsync(request);

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task A_manual_retrain_with_nothing_new_since_the_last_snapshot_is_a_conflict()
    {
        using var empty = await _client.PostAsync(new Uri("/api/retrain", UriKind.Relative), null);
        await AcceptAsync(2);
        await RetrainAsync();
        using var repeated = await _client.PostAsync(new Uri("/api/retrain", UriKind.Relative), null);
        var history = await _client.GetFromJsonAsync<JsonElement>("/api/retrain-requests");

        Assert.Multiple(() =>
        {
            Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(repeated.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(repeated.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(history.GetArrayLength(), Is.EqualTo(1));
            Assert.That(history[0].GetProperty("requestId").GetString(), Is.EqualTo("rr-000001"));
            Assert.That(history[0].GetProperty("published").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task The_ml_team_acknowledges_and_starts_a_request_over_http_and_a_closed_one_answers_409()
    {
        await AcceptAsync(3);
        var accepted = await RetrainAsync();
        var requestId = accepted.GetProperty("requestId").GetString();
        using var ml = _factory.ClientAs("ml-team", HitlRoles.Ml);

        using var acknowledged = await ml.PostAsJsonAsync($"/api/retrain-requests/{requestId}/acknowledge", new { note = "queued as job 7" });
        using var training = await ml.PostAsync(new Uri($"/api/retrain-requests/{requestId}/training", UriKind.Relative), null);
        using var unknown = await ml.PostAsync(new Uri("/api/retrain-requests/rr-999999/training", UriKind.Relative), null);
        using var tooLong = await ml.PostAsJsonAsync($"/api/retrain-requests/{requestId}/training", new { note = new string('x', 2_001) });
        await _factory.Bus.Publish(new RetrainCompleted
        {
            RequestId = requestId!,
            NewModelVersion = "bot-v9",
            Metrics = new Dictionary<string, double> { ["accuracy"] = 0.5 },
            BaselineMetrics = new Dictionary<string, double> { ["accuracy"] = 0.6 },
        });
        var rejected = await Eventually.Get(
            () => _client.GetFromJsonAsync<JsonElement>("/api/retrain-requests"),
            r => r[0].GetProperty("status").GetString() == "rejected",
            what: "the gate to close the request");
        using var reopened = await ml.PostAsync(new Uri($"/api/retrain-requests/{requestId}/training", UriKind.Relative), null);

        Assert.That(acknowledged.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await acknowledged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString(), Is.EqualTo("acknowledged"));
        Assert.That((await training.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString(), Is.EqualTo("training"));
        Assert.That((unknown.StatusCode, tooLong.StatusCode, reopened.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.Conflict)));
        Assert.That(await tooLong.Content.ReadAsStringAsync(), Does.Contain("\"note\""));
        var history = rejected[0].GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()).ToList();
        Assert.That(history, Is.EqualTo(new[] { "requested", "acknowledged", "training", "rejected" }));
        Assert.That(rejected[0].GetProperty("history")[1].GetProperty("note").GetString(), Is.EqualTo("queued as job 7"));
    }

    [Test]
    public async Task A_reviewer_cannot_trigger_a_retrain()
    {
        await AcceptAsync(2);

        using var response = await _factory.ReviewerClient().PostAsync(new Uri("/api/retrain", UriKind.Relative), null);
        var history = await _client.GetFromJsonAsync<JsonElement>("/api/retrain-requests");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(history.GetArrayLength(), Is.Zero, "no snapshot was taken");
    }

    [Test]
    public async Task The_ml_team_downloads_a_dataset_but_cannot_ask_for_one()
    {
        await AcceptAsync(2);
        await RetrainAsync();
        using var ml = _factory.ClientAs("ml-team", HitlRoles.Ml);

        using var download = await ml.GetAsync(new Uri("/api/datasets/ds-000001/sft.jsonl", UriKind.Relative));
        using var trigger = await ml.PostAsync(new Uri("/api/retrain", UriKind.Relative), null);

        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task An_unknown_dataset_is_a_404_problem()
    {
        using var download = await _client.GetAsync(new Uri("/api/datasets/ds-999999/sft.jsonl", UriKind.Relative));
        using var details = await _client.GetAsync(new Uri("/api/datasets/ds-999999", UriKind.Relative));

        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(details.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(download.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await download.Content.ReadAsStringAsync(), Does.Contain("ds-999999"));
    }

    [Test]
    public async Task An_unknown_split_is_a_400_problem_naming_split()
    {
        await AcceptAsync(1);
        await RetrainAsync();

        using var response = await _client.GetAsync(new Uri("/api/datasets/ds-000001/sft.jsonl?split=test", UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem.GetProperty("errors").TryGetProperty("split", out _), Is.True);
    }
}
