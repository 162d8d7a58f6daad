using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using HitlLoop.Feedback;
using HitlLoop.PatternLearner;
using HitlLoop.ReviewQueue;
using HitlLoop.Router;
using HitlLoop.ServiceDefaults;
using HitlLoop.TrainingOrchestrator;
using MassTransit;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Flywheel;

/// <summary>
/// The five services in this process, as the embedded default runs them (in-memory bus, embedded store), on a real
/// port, with a clock the simulation moves: a simulated day passes in seconds, and every timer of the services
/// (lease expiry, SLA watch, review-rate reports, alerts, retrain triggers) fires on simulated time.
/// </summary>
public sealed class LoopHost : ILoop
{
    public const string ProductKey = "flywheel-product-key";
    public const string LeadKey = "flywheel-lead-key";
    public const string MlKey = "flywheel-ml-key";

    private readonly WebApplication _app;
    private readonly string _dataDirectory;
    private readonly BusActivity _activity = new();
    private readonly ConnectHandle _watching;

    private LoopHost(WebApplication app, FakeTimeProvider clock, Uri baseAddress, string dataDirectory)
    {
        _app = app;
        Clock = clock;
        BaseAddress = baseAddress;
        _dataDirectory = dataDirectory;
        _watching = Bus.ConnectReceiveObserver(_activity);
    }

    public FakeTimeProvider Clock { get; }
    public Uri BaseAddress { get; }
    public IBus Bus => _app.Services.GetRequiredService<IBus>();

    TimeProvider ILoop.Clock => Clock;

    public static async Task<ILoop> StartAsync(DateTimeOffset start, int reviewers, IReadOnlyDictionary<string, string> settings)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-flywheel", Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var configuration = new Dictionary<string, string?>(Settings(reviewers, settings).Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
        {
            ["Hitl:Transport"] = "InMemory",
            ["Hitl:Store"] = "Embedded",
            ["Hitl:Embedded:DataDirectory"] = dataDirectory,
            ["Hitl:Auth:DevelopmentIssuer"] = "true",
            ["Urls"] = $"http://127.0.0.1:{port}",
        };

        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddHitlServices(new RouterService(), new ReviewQueueService(), new FeedbackService(), new PatternLearnerService(), new TrainingOrchestratorService());

        // Registered after the services' own clock, so every service and timer reads the simulated one.
        var clock = new FakeTimeProvider(start);
        builder.Services.AddSingleton<TimeProvider>(clock);
        var app = builder.Build();
        app.MapHitlServices();
        await app.StartAsync();
        return new LoopHost(app, clock, new Uri($"http://127.0.0.1:{port}/"), dataDirectory);
    }

    /// <summary>What every service of the loop is given, wherever it runs: the callers' API keys and the world's settings.</summary>
    public static Dictionary<string, string> Settings(int reviewers, IReadOnlyDictionary<string, string> settings)
    {
        var configuration = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Hitl:RateLimit:ProductRequestsPerSecond"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var keys = new List<(string Id, string Key, string Role)> { ("product", ProductKey, "product"), ("lead", LeadKey, "lead"), ("ml", MlKey, "ml") };
        keys.AddRange(Enumerable.Range(0, reviewers).Select(i => (ReviewerId(i), ReviewerKey(i), "reviewer")));
        for (var i = 0; i < keys.Count; i++)
        {
            configuration[$"Hitl:Auth:ApiKeys:{i}:Id"] = keys[i].Id;
            configuration[$"Hitl:Auth:ApiKeys:{i}:Name"] = keys[i].Id;
            configuration[$"Hitl:Auth:ApiKeys:{i}:Key"] = keys[i].Key;
            configuration[$"Hitl:Auth:ApiKeys:{i}:Roles:0"] = keys[i].Role;
        }

        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        return configuration;
    }

    public static string ReviewerId(int i) => $"reviewer-{i + 1}";

    public static string ReviewerKey(int i) => $"flywheel-reviewer-{i + 1}-key";

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>
    /// Moves the clock by <paramref name="span"/> in steps, letting the services' work that each step wakes (timers, the
    /// messages they publish, the consumers of those) finish before the next.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan span, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < span; moved += step)
        {
            Clock.Advance(step < span - moved ? step : span - moved);
            await SettledAsync(AfterTimers);
        }
    }

    public Task PublishAsync<T>(T message)
        where T : class => Bus.Publish(message);

    public Task PassAsync(TimeSpan span)
    {
        Clock.Advance(span);
        return Task.CompletedTask;
    }

    /// <summary>Polls of the bus with nothing received nor in hand before the services count as settled.</summary>
    private const int AfterRequests = 3;

    /// <summary>A timer's work starts on the thread pool after the clock moves: a longer quiet before trusting it done.</summary>
    private const int AfterTimers = 8;

    public Task SettledAsync() => SettledAsync(AfterRequests);

    /// <summary>
    /// Waits until no consumer of any service holds a message and none has been received for
    /// <paramref name="quietPolls"/> polls in a row: what a request or a timer set going has been carried through, so
    /// the next step of the simulation meets the same state on every run of a seed.
    /// </summary>
    private async Task SettledAsync(int quietPolls)
    {
        var quiet = 0;
        var seen = _activity.Received;
        while (quiet < quietPolls)
        {
            await Task.Delay(2);
            var received = _activity.Received;
            quiet = _activity.InHand == 0 && received == seen ? quiet + 1 : 0;
            seen = received;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _watching.Disconnect();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temporary folder's cleaner.
        }
    }

    /// <summary>Counts the messages every receive endpoint of the bus has taken in, and those it has not finished with.</summary>
    private sealed class BusActivity : IReceiveObserver
    {
        private long _received;
        private long _inHand;

        public long Received => Interlocked.Read(ref _received);
        public long InHand => Interlocked.Read(ref _inHand);

        public Task PreReceive(ReceiveContext context)
        {
            Interlocked.Increment(ref _inHand);
            Interlocked.Increment(ref _received);
            return Task.CompletedTask;
        }

        public Task PostReceive(ReceiveContext context)
        {
            Interlocked.Decrement(ref _inHand);
            return Task.CompletedTask;
        }

        public Task ReceiveFault(ReceiveContext context, Exception exception)
        {
            Interlocked.Decrement(ref _inHand);
            return Task.CompletedTask;
        }

        public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
            where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
            where T : class => Task.CompletedTask;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
