using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HitlLoop.IntegrationTests.Support;

namespace HitlLoop.IntegrationTests;

/// <summary>
/// The five services as separate processes on real RabbitMQ while a chat product publishes every response twice and a
/// reviewer corrects items over HTTP: each service in turn is killed with SIGKILL mid-stream and restarted, the
/// broker's application is stopped and started, and later the whole broker node. Then a checker counts decisions, review items, reviews, golden examples
/// and dataset lines against what was sent and answered: nothing lost, nothing twice.
/// </summary>
/// <remarks>
/// The CI-sized run sends 600 responses; the full one sets HITL_FAULT_RESPONSES (e.g. 10000) and, with it, more batches
/// between faults. Two replicas of each service on the same queues need a store they share (MongoDB): with the
/// embedded store each replica would keep its own decisions, so that fault is not run here.
/// </remarks>
[NonParallelizable]
public sealed class FaultInjectionTests
{
    /// <summary>The fewest corrections the checker waits for once the stream and its faults are over.</summary>
    private const int Corrections = 20;

    /// <summary>Paces the reviewer so that corrections keep coming through every fault, as a person's would.</summary>
    private static readonly TimeSpan ReviewerPause = TimeSpan.FromMilliseconds(300);

    private static readonly int Responses = int.TryParse(Environment.GetEnvironmentVariable("HITL_FAULT_RESPONSES"), out var n) && n >= 600 ? n : 600;
    private static readonly int Batch = Responses / 24;
    private static readonly string[] Projects = ["Router", "ReviewQueue", "Feedback", "PatternLearner", "TrainingOrchestrator"];

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "hitl-faults", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, ServiceProcess> _services = [];
    private readonly List<ServiceProcess> _killed = [];
    private readonly Dictionary<string, int> _ports = [];
    private Dictionary<string, string> _shared = [];

    [TearDown]
    public async Task StopEverything()
    {
        await FailureReport.WriteIfFailedAsync(
            _killed.Select(s => ($"{s.Name} (killed)", (string?)s.Output)).Concat(_services.Select(s => (s.Key, (string?)s.Value.Output))));
        foreach (var service in _services.Values.Concat(_killed))
        {
            await service.DisposeAsync();
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
    public async Task Kills_broker_restarts_and_duplicates_lose_nothing_and_duplicate_nothing()
    {
        var vhost = await BrokerSetup.Broker.CreateVirtualHostAsync("faults-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var project in Projects)
        {
            _ports[project] = ServiceProcess.FreePort();
        }

        _shared = new Dictionary<string, string>(RouterSettings.ConfidenceRuleOnly)
        {
            ["Hitl__Transport"] = "RabbitMq",
            ["Hitl__RabbitMq__Uri"] = vhost.ToString(),
            ["Hitl__Store"] = "Embedded",
            ["Hitl__Auth__SigningKey"] = TestAuth.SigningKey,
            ["Router__DefaultConfidenceThreshold"] = "0.8",
            ["TrainingOrchestrator__RetrainThreshold"] = "1000000",
            ["TrainingOrchestrator__PublicBaseUrl"] = $"http://127.0.0.1:{_ports["TrainingOrchestrator"]}",
        };
        await Task.WhenAll(Projects.Select(StartAsync));

        // Faults, by the batch after which they strike.
        var faults = new Dictionary<int, Func<Task<string>>>
        {
            [3] = () => KillAndRestartAsync("Router"),
            [6] = () => KillAndRestartAsync("ReviewQueue"),
            [9] = RestartBrokerAsync,
            [12] = () => KillAndRestartAsync("Feedback"),
            [15] = () => KillAndRestartAsync("PatternLearner"),
            [18] = () => KillAndRestartAsync("TrainingOrchestrator"),
            [21] = RestartBrokerNodeAsync,
        };

        using var stop = new CancellationTokenSource();
        var corrected = new ConcurrentQueue<string>();
        var unanswered = new ConcurrentQueue<string>();
        var reviewing = LoopChecker.ReviewAsync(Client("ReviewQueue", TestAuth.Token("rita", "reviewer")), ReviewerPause, corrected, unanswered, stop.Token);
        var log = new List<string>();
        var batches = Enumerable.Range(0, Responses).Chunk(Batch).ToList();
        for (var b = 0; b < batches.Count; b++)
        {
            // Every response twice, the copies in separate batches: a duplicate, and a redelivery after any fault between.
            await PublishAsync(vhost, batches[b].Select(i => Json.ResponseScored($"fault-{i:D4}", i % 3 == 0 ? 0.4 : 0.95)));
            if (b > 0)
            {
                await PublishAsync(vhost, batches[b - 1].Select(i => Json.ResponseScored($"fault-{i:D4}", i % 3 == 0 ? 0.4 : 0.95)));
            }

            if (faults.TryGetValue(b, out var fault))
            {
                log.Add($"{await fault()} (corrections answered so far: {corrected.Count})");
            }
        }

        await PublishAsync(vhost, batches[^1].Select(i => Json.ResponseScored($"fault-{i:D4}", i % 3 == 0 ? 0.4 : 0.95)));
        var toReview = Enumerable.Range(0, Responses).Count(i => i % 3 == 0);

        var lead = Client("Router", TestAuth.Token("lee", "lead"));
        await Eventually.Get(async () => (await Json.GetAsync(lead, "api/router/stats")).GetProperty("total").GetInt64(), n => n >= Responses, what: "every response decided", timeout: TimeSpan.FromMinutes(3));
        await Eventually.Get(() => Task.FromResult(corrected.Count), n => n >= Corrections, what: "the reviewer's corrections", timeout: TimeSpan.FromMinutes(3));
        await stop.CancelAsync();
        await reviewing;

        var checker = new LoopChecker(
            lead, Client("ReviewQueue", TestAuth.Token("lee", "lead")), Client("Feedback", TestAuth.Token("ml-team", "ml")), Client("TrainingOrchestrator", TestAuth.Token("lee", "lead")));
        await checker.CheckAsync(Responses, toReview, corrected, unanswered, [.. log, $"each response published twice: {2 * Responses} messages"]);
    }

    private async Task StartAsync(string project)
    {
        var environment = new Dictionary<string, string>(_shared) { ["Hitl__Embedded__DataDirectory"] = Path.Combine(_dataRoot, project) };
        _services[project] = await ServiceProcess.StartAsync(project, _ports[project], environment);
    }

    private async Task<string> KillAndRestartAsync(string project)
    {
        var victim = _services[project];
        await victim.DisposeAsync();
        _killed.Add(victim);
        await StartAsync(project);
        return $"killed {project} with SIGKILL and restarted it";
    }

    private static async Task<string> RestartBrokerAsync() =>
        await BrokerSetup.Broker.RestartAppAsync()
            ? "stopped and started the broker's application (rabbitmqctl stop_app, start_app)"
            : "broker restart skipped: the broker is not a private node of this run";

    private static async Task<string> RestartBrokerNodeAsync() =>
        await BrokerSetup.Broker.RestartNodeAsync()
            ? "stopped the whole broker node and started it again on the same data (rabbitmqctl stop, rabbitmq-server)"
            : "broker node restart skipped: the broker is not a private node of this run";

    private HttpClient Client(string project, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports[project]}/"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Publishes the batch with confirms; a connection the broker dropped is opened again and the batch resent.</summary>
    private static async Task PublishAsync(Uri vhost, IEnumerable<string> messages)
    {
        var bodies = messages.ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var producer = await PlainProducer.ConnectAsync(vhost);
                foreach (var body in bodies)
                {
                    await producer.PublishAsync(PlainProducer.ResponseScoredExchange, body);
                }

                return;
            }
            catch (Exception e) when (attempt < 60 && e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException or RabbitMQ.Client.Exceptions.PublishException)
            {
                await Task.Delay(500);
            }
        }
    }
}
