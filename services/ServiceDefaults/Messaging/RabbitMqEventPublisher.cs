using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using MassTransit.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace HitlLoop.ServiceDefaults;

/// <summary>
/// Publishes on RabbitMQ the way a chat product does: the event as plain JSON, on the exchange (and exchange bindings)
/// MassTransit declares for its type, each publish confirmed by the broker before the call returns. Every HitlLoop
/// endpoint reads plain JSON as it reads MassTransit's envelope (<see cref="BusRegistration.ConfigureSerialization"/>),
/// and the consume activity travels in the header MassTransit reads, so traces still join up.
/// </summary>
/// <remarks>
/// It carries the Router's review requests, up to one for every message it consumes: MassTransit's publish pipeline
/// cost the Router about 50 µs of CPU a request, and publishing this way raised its rate by about a sixth
/// (benchmarks/README.md, "Review requests published as plain JSON"). A connection lost is recovered by the client, and
/// a publish meanwhile waits for it (up to <see cref="RecoveryWait"/>): the bus may be back on the broker before this
/// connection is, and the message's retries alone would give it up to the error queue within seconds. A channel the
/// broker closed (an exchange deleted under it, say) is replaced by the next publish. A publish that fails throws, so
/// the consumed message is retried, then redelivered: the event goes out at least once.
/// </remarks>
internal sealed class RabbitMqEventPublisher(IOptions<HitlOptions> options, IBus bus) : IEventPublisher, IAsyncDisposable
{
    /// <summary>The name the broker lists the publisher's connection under.</summary>
    private const string ClientName = "hitl-event-publisher";

    /// <summary>How long a publish waits for the client to bring a lost connection back before it fails.</summary>
    private static readonly TimeSpan RecoveryWait = TimeSpan.FromSeconds(30);

    /// <summary>How often a waiting publish looks whether the connection is back.</summary>
    private static readonly TimeSpan RecoveryPoll = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _opening = new(1, 1);
    private IConnection? _connection;
    private PublishChannel? _channel;

    public Task PublishAsync<T>(ConsumeContext context, T message)
        where T : class => PublishAsync(message, context.CancellationToken);

    public async Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        var channel = _channel is { Channel.IsOpen: true } open ? open : await RecoveredAsync(cancellationToken);
        if (!channel.Exchanges.TryGetValue(typeof(T), out var exchange))
        {
            exchange = await DeclareAsync<T>(channel, cancellationToken);
        }

        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = NewId.NextGuid().ToString(),
            Headers = Activity.Current?.Id is { } activity ? new Dictionary<string, object?> { [DiagnosticHeaders.ActivityId] = activity } : null,
        };
        await channel.Channel.BasicPublishAsync(
            exchange, routingKey: "", mandatory: false, properties, JsonSerializer.SerializeToUtf8Bytes(message, MessageJson.Options), cancellationToken);
    }

    /// <summary>
    /// The channel once the client has recovered its connection (and the channel with it), or a new one: on a
    /// connection that is open (the broker closed only the channel), or that did not come back in time.
    /// </summary>
    private async Task<PublishChannel> RecoveredAsync(CancellationToken cancellationToken)
    {
        var since = Stopwatch.GetTimestamp();
        while (_connection is { IsOpen: false } && Stopwatch.GetElapsedTime(since) < RecoveryWait)
        {
            await Task.Delay(RecoveryPoll, cancellationToken);
            if (_channel is { Channel.IsOpen: true } recovered)
            {
                return recovered;
            }
        }

        return await OpenAsync(cancellationToken);
    }

    private async Task<PublishChannel> OpenAsync(CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { Channel.IsOpen: true } opened)
            {
                return opened;
            }

            _connection ??= await new ConnectionFactory
            {
                Uri = options.Value.RabbitMq.Uri,
                ClientProvidedName = ClientName,
                AutomaticRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            }.CreateConnectionAsync(cancellationToken);
            if (_channel is { } closed)
            {
                await closed.Channel.DisposeAsync();
                _channel = null;
            }

            var channel = await _connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            return _channel = new PublishChannel(channel);
        }
        finally
        {
            _opening.Release();
        }
    }

    private async Task<string> DeclareAsync<T>(PublishChannel channel, CancellationToken cancellationToken)
        where T : class =>
        channel.Exchanges[typeof(T)] = await RabbitMqTopology.DeclarePublishTopologyAsync<T>(bus, channel.Channel, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            await channel.Channel.DisposeAsync();
        }

        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }

        _opening.Dispose();
    }

    /// <summary>A channel in confirm mode, with the exchanges declared on it so far by message type.</summary>
    private sealed record PublishChannel(IChannel Channel)
    {
        public ConcurrentDictionary<Type, string> Exchanges { get; } = new();
    }
}
