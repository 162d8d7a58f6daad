using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Consumers;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Messaging;
using MassTransit;
using RabbitMQ.Client;

namespace HitlLoop.LoadGenerator;

/// <summary>
/// The Router against the bus's ceiling: a MassTransit consumer of the same messages that does nothing, on the same
/// broker, with the HitlLoop endpoints' deserializer, middleware, and the Router's prefetch and concurrency, measured
/// in turn with the Router in one run.
/// </summary>
/// <remarks>
/// Each measurement fills the consumer's queue while its bus is stopped, then starts the bus and times until every
/// message is consumed, so neither side is timed against the publisher (the Router's receiver of scored responses
/// stops and starts with its bus). The Router runs alone (no ReviewQueue), on the embedded store in a temporary
/// folder unless <c>Hitl__Store</c> says otherwise, with novelty on; the queries vary over 40 topics, so its clusters
/// are real.
/// </remarks>
internal static class BusCeiling
{
    private const string CeilingQueue = "load-ceiling-response-scored";
    private const string RouterQueue = "router-response-scored";

    public static async Task RunAsync(Uri amqp, int responses, int rounds, double reviewShare)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-load", Guid.NewGuid().ToString("N"));
        using var ceiling = await StartCeilingAsync(amqp);
        await using var router = await StartRouterAsync(amqp, dataDirectory);
        var connection = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var store = router.Configuration["Hitl:Store"];

        // An untimed warm-up of each, as long as a round (the Router's code takes tens of thousands of messages to reach
        // its final tier of compilation; its first clusters form), then the rounds, alternating.
        var ceilingRates = new List<double>();
        var routerRates = new List<double>();
        await MeasureAsync(ceiling.Services, channel, CeilingQueue, "warm-up", responses, reviewShare);
        await MeasureAsync(router.Services, channel, RouterQueue, "warm-up", responses, reviewShare);
        for (var round = 1; round <= rounds; round++)
        {
            var nothing = await MeasureAsync(ceiling.Services, channel, CeilingQueue, $"ceiling-{round}", responses, reviewShare);
            var routed = await MeasureAsync(router.Services, channel, RouterQueue, $"router-{round}", responses, reviewShare);
            ceilingRates.Add(nothing.PerSecond);
            routerRates.Add(routed.PerSecond);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: do-nothing consumer {nothing.PerSecond,8:F0} msg/s ({nothing.CpuMicrosecondsPerMessage:F0} µs CPU a message{BrokerShare(nothing)})   Router {routed.PerSecond,8:F0} msg/s ({routed.CpuMicrosecondsPerMessage:F0} µs CPU{BrokerShare(routed)}, {routed.AllocatedPerMessage / 1024.0:F1} KiB allocated a message)   ratio {routed.PerSecond / nothing.PerSecond:F2}x"));
        }

        var ceilingMedian = Median(ceilingRates);
        var routerMedian = Median(routerRates);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{responses:N0} messages a round, {rounds} rounds on {amqp.Host}:{amqp.Port}, {store} store, novelty on, {reviewShare:P0} below the threshold: "
            + $"median Router {routerMedian:F0} msg/s against {ceilingMedian:F0} msg/s for a do-nothing consumer = {routerMedian / ceilingMedian:F2}x"));

        await channel.DisposeAsync();
        await connection.DisposeAsync();
        await router.StopAsync();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<Measured> MeasureAsync(IServiceProvider services, IChannel channel, string queue, string name, int count, double reviewShare)
    {
        var bus = services.GetRequiredService<IBusControl>();
        var consumed = services.GetRequiredService<ConsumedCount>();
        await bus.StopAsync();
        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
        foreach (var batch in Enumerable.Range(0, count).Chunk(500))
        {
            await Task.WhenAll(batch.Select(i => channel.BasicPublishAsync("", queue, false, properties, Body($"{name}-{i:D7}", i, reviewShare)).AsTask()));
        }

        // The wait is set up while the bus is stopped, so no message is counted against the last round's target.
        var done = consumed.ReachedAsync(consumed.Value + count);
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var brokerBefore = BrokerCpu();
        var clock = Stopwatch.StartNew();
        await bus.StartAsync();
        await done;
        var elapsed = clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var broker = BrokerCpu() - brokerBefore;
        return new Measured(
            count / elapsed.TotalSeconds, (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)count, cpu.TotalMicroseconds / count, broker?.TotalMicroseconds / count);
    }

    /// <summary>
    /// The CPU time of a RabbitMQ node on this machine (its Erlang VM, <c>beam.smp</c>), when there is exactly one:
    /// on two cores the broker and the consumer share the processors, so what each message costs the broker counts too.
    /// </summary>
    private static TimeSpan? BrokerCpu()
    {
        var nodes = Process.GetProcessesByName("beam.smp");
        try
        {
            return nodes.Length == 1 ? nodes[0].TotalProcessorTime : null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
    }

    private static string BrokerShare(Measured measured) =>
        measured.BrokerMicrosecondsPerMessage is { } broker ? string.Create(CultureInfo.InvariantCulture, $", broker {broker:F0} µs") : "";

    private static async Task<IHost> StartCeilingAsync(Uri amqp)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<ConsumedCount>();
        builder.Services.AddMassTransit(bus =>
        {
            bus.ConfigureUsageTelemetryOptions(usage => usage.Enabled = false);
            bus.AddConsumer<DoNothingConsumer, DoNothingConsumerDefinition>();
            bus.AddConfigureEndpointsCallback((context, _, endpoint) => BusRegistration.ApplyConsumerDefaults(endpoint, context));
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(amqp);
                rabbit.PrefetchCount = new HitlOptions().RabbitMq.PrefetchCount;
                BusRegistration.ConfigureSerialization(rabbit);
                rabbit.ConnectConsumeObserver(context.GetRequiredService<ConsumedCount>());
                rabbit.ConfigureEndpoints(context);
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<WebApplication> StartRouterAsync(Uri amqp, string dataDirectory)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:Transport"] = "RabbitMq",
            ["Hitl:RabbitMq:Uri"] = amqp.ToString(),
            ["Hitl:Store"] = builder.Configuration["Hitl:Store"] ?? "Embedded",
            ["Hitl:Embedded:DataDirectory"] = dataDirectory,
            ["Router:DefaultConfidenceThreshold"] = "0.8",
            ["Router:AuditSampleRate"] = "0",
            ["Router:Novelty:Enabled"] = "true",
            ["Urls"] = "http://127.0.0.1:0",
            ["Hitl:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        builder.Services.AddSingleton<ConsumedCount>();
        builder.AddHitlServices(new RouterService());
        var app = builder.Build();
        // On RabbitMQ the Router takes its scored responses off the queue itself (a batch receiver): its meters count them.
        app.Services.GetRequiredService<ConsumedCount>().Observe(app.Services.GetRequiredService<IBusControl>(), app.Services.GetRequiredService<IMeterFactory>());
        app.MapHitlServices();
        await app.StartAsync();
        return app;
    }

    private static readonly string[] Topics =
    [
        "change the delivery address", "cancel my subscription", "refund for a damaged item", "reset my password",
        "update the card on file", "track my parcel", "return a gift without a receipt", "apply a discount code",
        "download last month's invoice", "close my account", "switch to the annual plan", "add a second user",
        "export my data", "turn on two-factor login", "change the billing currency", "report a missing item",
        "book an installation visit", "upgrade the storage limit", "merge two orders", "pay by bank transfer",
        "change my email address", "stop the marketing emails", "reorder a past purchase", "check the warranty period",
        "split a payment", "get a tax receipt", "pause my membership", "ship to another country",
        "exchange a size", "claim a late delivery credit", "use a gift card", "recover a deleted file",
        "find the nearest store", "schedule a pickup", "change the delivery date", "dispute a charge",
        "connect the mobile app", "transfer my licence", "unlock my account", "join the loyalty scheme",
    ];

    private static readonly string[] Openings = ["How do I", "Can I", "Is it possible to", "I need to", "Please help me"];

    /// <summary>
    /// A scored response; the share <paramref name="reviewShare"/> of them, spread evenly (every other one at 0.5),
    /// falls below the threshold and goes to review.
    /// </summary>
    private static byte[] Body(string id, int i, double reviewShare) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["responseId"] = id,
        ["productId"] = "support-bot",
        ["query"] = $"{Openings[i / Topics.Length % Openings.Length]} {Topics[i % Topics.Length]}?",
        ["response"] = "Yes: open your account settings and follow the steps there; it takes effect at once.",
        ["confidence"] = Math.Floor((i + 1) * reviewShare) > Math.Floor(i * reviewShare) ? 0.4 : 0.95,
        ["scoredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    }.ToJsonString());

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private sealed record Measured(double PerSecond, double AllocatedPerMessage, double CpuMicrosecondsPerMessage, double? BrokerMicrosecondsPerMessage);
}

/// <summary>
/// Scored responses consumed so far, by any consumer of the bus (a batch counts each of its messages) or by a batch
/// receiver of the same host.
/// </summary>
internal sealed class ConsumedCount : IConsumeObserver, IDisposable
{
    private readonly MeterListener _receivers = new();
    private long _value;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _target = long.MaxValue;

    public long Value => Interlocked.Read(ref _value);

    public Task ReachedAsync(long target)
    {
        Interlocked.Exchange(ref _target, long.MaxValue);
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _target, target);
        if (Value >= target)
        {
            _reached.TrySetResult();
        }

        return _reached.Task;
    }

    /// <summary>Counts what the host's bus consumes, and what its batch receivers (reporting to its meters) finish.</summary>
    public void Observe(IBusControl bus, IMeterFactory meters)
    {
        bus.ConnectConsumeObserver(this);
        _receivers.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters && instrument is { Name: MessagingTelemetry.ReceivedCounter, Meter.Name: MessagingTelemetry.MeterName })
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _receivers.SetMeasurementEventCallback<long>((_, measurement, _, _) => Add(measurement));
        _receivers.Start();
    }

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        Add(context.Message switch
        {
            ResponseScored => 1,
            Batch<ResponseScored> batch => batch.Length,
            _ => 0,
        });
        return Task.CompletedTask;
    }

    private void Add(long added)
    {
        if (added > 0 && Interlocked.Add(ref _value, added) >= Interlocked.Read(ref _target))
        {
            _reached.TrySetResult();
        }
    }

    public void Dispose() => _receivers.Dispose();

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}

internal sealed class DoNothingConsumer : IConsumer<ResponseScored>
{
    public Task Consume(ConsumeContext<ResponseScored> context) => Task.CompletedTask;
}

/// <summary>The Router's prefetch and concurrency limit (its MassTransit consumer's, on the in-memory transport).</summary>
internal sealed class DoNothingConsumerDefinition : ConsumerDefinition<DoNothingConsumer>
{
    public DoNothingConsumerDefinition()
    {
        EndpointName = "load-ceiling-response-scored";
        ConcurrentMessageLimit = ResponseScoredConsumerDefinition.Concurrency;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DoNothingConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = ResponseScoredConsumerDefinition.Prefetch;
        }
    }
}
