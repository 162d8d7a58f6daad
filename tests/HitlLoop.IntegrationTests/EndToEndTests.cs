using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using HitlLoop.Client;
using HitlLoop.Contracts;
using HitlLoop.IntegrationTests.Support;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.IntegrationTests;

/// <summary>
/// The whole loop across five separate processes on real RabbitMQ: a chat product publishes scored responses,
/// a reviewer corrects the doubtful ones, and the ML team receives a retrain request and downloads its dataset.
/// </summary>
[NonParallelizable]
public sealed class EndToEndTests
{
    private const string Product = "support-bot";
    private const string ProductKey = "e2e-product-key";
    private const string MlTeamKey = "e2e-ml-team-key";
    private const string VerdictQueue = "support-bot-verdicts";
    private const int RetrainThreshold = 3;

    private readonly List<ServiceProcess> _services = [];
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "hitl-e2e", Guid.NewGuid().ToString("N"));
    private IBusControl? _mlTeam;

    [TearDown]
    public async Task StopEverything()
    {
        await FailureReport.WriteIfFailedAsync(_services.Select(s => (s.Name, (string?)s.Output)));
        await Task.WhenAll(_services.Select(s => s.DisposeAsync().AsTask()));
        if (_mlTeam is not null)
        {
            await _mlTeam.StopAsync();
        }

        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    [Test]
    public async Task Corrections_from_review_reach_the_ml_team_as_a_downloadable_dataset()
    {
        var vhost = await BrokerSetup.Broker.CreateVirtualHostAsync("e2e-" + Guid.NewGuid().ToString("N")[..10]);

        // The ML team's side: its own queue bound to RetrainRequested, before anything can publish one.
        var retrainRequested = new TaskCompletionSource<RetrainRequested>(TaskCreationOptions.RunContinuationsAsynchronously);
        _mlTeam = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(vhost);
            BusRegistration.ConfigureSerialization(rabbit);
            rabbit.ReceiveEndpoint("ml-team-retrain-requested", endpoint =>
                endpoint.Handler<RetrainRequested>(context =>
                {
                    retrainRequested.TrySetResult(context.Message);
                    return Task.CompletedTask;
                }));
        });
        await _mlTeam.StartAsync();

        var trainingPort = ServiceProcess.FreePort();
        var shared = new Dictionary<string, string>(RouterSettings.ConfidenceRuleOnly)
        {
            ["Hitl__Transport"] = "RabbitMq",
            ["Hitl__RabbitMq__Uri"] = vhost.ToString(),
            ["Hitl__Store"] = "Embedded",
            ["Router__DefaultConfidenceThreshold"] = "0.8",
            // Every service trusts the same signing key and knows the same machine callers.
            ["Hitl__Auth__SigningKey"] = TestAuth.SigningKey,
            ["Hitl__Auth__ApiKeys__0__Id"] = Product,
            ["Hitl__Auth__ApiKeys__0__Key"] = ProductKey,
            ["Hitl__Auth__ApiKeys__0__Roles__0"] = "product",
            ["Hitl__Auth__ApiKeys__1__Id"] = "ml-team",
            ["Hitl__Auth__ApiKeys__1__Key"] = MlTeamKey,
            ["Hitl__Auth__ApiKeys__1__Roles__0"] = "ml",
            ["TrainingOrchestrator__RetrainThreshold"] = RetrainThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TrainingOrchestrator__PublicBaseUrl"] = $"http://127.0.0.1:{trainingPort}",
        };
        string[] projects = ["Router", "ReviewQueue", "Feedback", "PatternLearner", "TrainingOrchestrator"];
        var started = await Task.WhenAll(projects.Select(project => ServiceProcess.StartAsync(
            project,
            project == "TrainingOrchestrator" ? trainingPort : ServiceProcess.FreePort(),
            new Dictionary<string, string>(shared) { ["Hitl__Embedded__DataDirectory"] = Path.Combine(_dataRoot, project) })));
        _services.AddRange(started);
        var (router, reviewQueue, feedback, patterns, training) = (started[0], started[1], started[2], started[3], started[4]);

        // The chat product publishes three doubtful answers and two confident ones, as plain JSON, and holds the
        // doubtful ones until a human decides: its own queue on ReviewCompleted brings the verdicts back.
        await using var product = await PlainProducer.ConnectAsync(vhost);
        await product.BindQueueAsync(VerdictQueue, PlainProducer.ReviewCompletedExchange);
        await using (var producer = await PlainProducer.ConnectAsync(vhost))
        {
            for (var i = 0; i < RetrainThreshold; i++)
            {
                await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored($"doubt-{i}", 0.4));
            }

            await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("sure-0", 0.95));
            await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("sure-1", 0.97));
        }

        // A reviewer works through the queue, correcting each answer.
        var reviewer = reviewQueue.Http;
        reviewer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token("dana", "reviewer"));
        await Eventually.Get(
            async () => (await Json.GetAsync(reviewer, "api/reviews?status=pending")).GetProperty("items").GetArrayLength(),
            count => count == RetrainThreshold,
            what: "three pending reviews");
        var corrected = new List<string>();
        for (var i = 0; i < RetrainThreshold; i++)
        {
            using var claim = await reviewer.PostAsync(new Uri("api/reviews/claim", UriKind.Relative), null);
            Assert.That(claim.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var item = await claim.Content.ReadFromJsonAsync<JsonElement>();
            var id = item.GetProperty("id").GetString()!;
            var text = $"After 30 days we can still offer store credit; I have opened case {id} and you will hear from billing within two working days.";
            using var submit = await reviewer.PostAsJsonAsync($"api/reviews/{id}/submit", new { verdict = "edited", correctedText = text, categories = new[] { "billing" } });
            Assert.That(submit.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submit.Content.ReadAsStringAsync());
            corrected.Add(text);
        }

        // The chat product learns each verdict, with the reviewer's text, over plain AMQP.
        var verdicts = new Dictionary<string, JsonElement>();
        await Eventually.Get(
            async () =>
            {
                while (await product.GetAsync(VerdictQueue) is { } delivery)
                {
                    var message = JsonDocument.Parse(delivery.Body).RootElement.GetProperty("message");
                    verdicts[message.GetProperty("responseId").GetString()!] = message.Clone();
                }

                return verdicts.Count;
            },
            count => count == RetrainThreshold,
            what: "the chat product to receive every verdict");
        Assert.That(verdicts.Keys, Is.EquivalentTo(Enumerable.Range(0, RetrainThreshold).Select(i => $"doubt-{i}")));
        Assert.That(verdicts.Values.Select(v => v.GetProperty("verdict").GetString()), Is.All.EqualTo("edited"));
        Assert.That(verdicts.Values.Select(v => v.GetProperty("correctedText").GetString()), Is.EquivalentTo(corrected));

        // The ML team is told to retrain, and downloads exactly the dataset it was told about.
        var request = await retrainRequested.Task.WaitAsync(TimeSpan.FromSeconds(90));
        var sft = request.Formats.First(f => f.Format == "sft-jsonl" && (f.Split is null or "all"));
        using var download = new HttpClient();
        download.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MlTeamKey);
        var bytes = await download.GetByteArrayAsync(sft.Url);
        var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Multiple(() =>
        {
            Assert.That(request.Counts.Examples, Is.EqualTo(RetrainThreshold));
            Assert.That(request.ContentHash, Is.EqualTo("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))));
            Assert.That(lines, Has.Length.EqualTo(RetrainThreshold));
            Assert.That(corrected, Is.All.Matches<string>(text => lines.Any(line => line.Contains(JsonEncodedText.Encode(text).ToString(), StringComparison.Ordinal))));
        });

        // Every service saw its part of the loop; a review lead reads the numbers.
        var lead = new AuthenticationHeaderValue("Bearer", TestAuth.Token("lena", "lead"));
        router.Http.DefaultRequestHeaders.Authorization = lead;
        feedback.Http.DefaultRequestHeaders.Authorization = lead;
        training.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MlTeamKey);
        patterns.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ProductKey);
        var decisions = await Json.GetAsync(router.Http, "api/router/stats");
        var golden = (await Json.GetAsync(feedback.Http, $"api/feedback/golden?productId={Product}")).GetProperty("items");
        // The chat product asks for few-shot guidance through the typed client.
        var guidanceClient = HitlClientRegistration.CreateGuidanceClient(patterns.Http);
        var guidance = await Eventually.Get(
            () => guidanceClient.GetGuidanceAsync(Product, query: "refund after 30 days", limit: 5),
            g => g.Corrections.Count == RetrainThreshold,
            what: "PatternLearner to hold the corrections");
        Assert.Multiple(() =>
        {
            Assert.That(decisions.GetProperty("autoApproved").GetInt64(), Is.EqualTo(2));
            Assert.That(decisions.GetProperty("reviewRequested").GetInt64(), Is.EqualTo(RetrainThreshold));
            Assert.That(golden.GetArrayLength(), Is.EqualTo(RetrainThreshold));
            Assert.That(guidance.Corrections.Select(c => c.CorrectedText), Is.EquivalentTo(corrected));
        });

        // The ML team closes the loop with the model it trained.
        await _mlTeam.Publish(new RetrainCompleted
        {
            RequestId = request.RequestId,
            NewModelVersion = "support-bot-v2",
            Metrics = new Dictionary<string, double> { ["f1"] = 0.91 },
            Promoted = true,
            CompletedAt = DateTimeOffset.UtcNow,
        });
        var models = await Eventually.Get(() => Json.GetAsync(training.Http, "api/models"), m => m.GetArrayLength() == 1, what: "the model version history");
        Assert.That(models[0].ToString(), Does.Contain("support-bot-v2"));
    }
}
