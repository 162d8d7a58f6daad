using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MassTransit;
using MassTransit.Logging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace HitlLoop.ServiceDefaults;

/// <summary>What a service does with one message a <see cref="RabbitMqBatchReceiver{T}"/> took off its queue.</summary>
/// <param name="message">The message, read from plain JSON or from MassTransit's envelope.</param>
/// <param name="redelivered">True when the message may have been handled before: the broker redelivered it, or this is a retry.</param>
public delegate Task ReceivedMessageHandler<in T>(T message, bool redelivered, CancellationToken cancellationToken);

/// <summary>
/// Consumes one queue straight off RabbitMQ, for the busiest endpoint of a service: every message the broker hands
/// over is handled at once (up to the prefetch), and the handled ones are acknowledged together, with one multiple
/// acknowledgement up to the last message before which every one is done. Everything else a MassTransit endpoint
/// gives stays: the same queue, exchanges and bindings; plain JSON and MassTransit's envelope; quick retries for
/// transient faults (never for invalid messages); the error queue, with the fault's reason in MassTransit's headers;
/// the consume activity, continued from the sender's; and it runs while the bus runs (it starts and stops with it).
/// </summary>
/// <remarks>
/// A MassTransit endpoint acknowledges each message on its own and runs each through its consume pipeline: for the
/// Router's scored responses that cost more than the Router's own work (benchmarks/README.md, "One acknowledgement a
/// batch"). A message is acknowledged only once its handler is done (or it is in the error queue), so a crash
/// redelivers whatever was not finished; the handler is idempotent. A lost connection ends the session: what it had
/// not acknowledged comes back as redeliveries, and a new session starts (its delivery tags are its own).
/// </remarks>
public sealed class RabbitMqBatchReceiver<T> : IBusObserver, IHealthCheck, IAsyncDisposable
    where T : class
{
    /// <summary>The waits between the tries of a message whose handler failed: as the MassTransit endpoints' retries.</summary>
    private static readonly TimeSpan[] Retries = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    /// <summary>How long a stop waits for the messages in hand; those unfinished then are redelivered.</summary>
    private static readonly TimeSpan DrainWait = TimeSpan.FromSeconds(30);

    private static readonly ActivitySource Source = new(MessagingTelemetry.SourceName);

    private readonly string _queue;
    private readonly ushort _prefetch;
    private readonly Lazy<ReceivedMessageHandler<T>> _handler;
    private readonly IOptions<HitlOptions> _options;
    private IBus? _bus;
    private readonly ILogger _logger;
    private readonly Counter<long> _received;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private CancellationTokenSource? _running;
    private Task? _loop;
    private volatile ReceiverSession? _session;

    public RabbitMqBatchReceiver(
        string queue, ushort prefetch, Lazy<ReceivedMessageHandler<T>> handler, IOptions<HitlOptions> options, IMeterFactory meters, ILogger<RabbitMqBatchReceiver<T>> logger)
    {
        // The broker's prefetch bounds the tags in hand, which the acknowledgements' ring relies on.
        ArgumentOutOfRangeException.ThrowIfZero(prefetch);
        _queue = queue;
        _prefetch = prefetch;
        _handler = handler;
        _options = options;
        _logger = logger;
        _received = meters.Create(MessagingTelemetry.MeterName).CreateCounter<long>(
            MessagingTelemetry.ReceivedCounter, unit: "{message}", description: "Messages a batch receiver finished: consumed, or given up to the error queue.");
    }

    /// <summary>Starts consuming (the bus has started); the session opens in the background and reopens after a failure.</summary>
    public async Task StartAsync()
    {
        if (_bus is null)
        {
            throw new InvalidOperationException("The receiver starts with the bus: its topology names the exchanges to bind.");
        }

        await _lifecycle.WaitAsync();
        try
        {
            if (_loop is not null)
            {
                return;
            }

            _running = new CancellationTokenSource();
            _loop = RunAsync(_running.Token);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops consuming: the messages in hand are finished and acknowledged first (for up to <see cref="DrainWait"/>).</summary>
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_loop is null)
            {
                return;
            }

            await _running!.CancelAsync();
            await _loop;
            _running.Dispose();
            (_running, _loop) = (null, null);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var pause = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var session = await ReceiverSession.OpenAsync(this, stopping);
                _session = session;
                pause = TimeSpan.FromSeconds(1);
                await session.RunUntilClosedAsync(stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                _logger.LogWarning(e, "Consuming {Queue} stopped; trying again in {Pause}", _queue, pause);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _session = null;
            }

            try
            {
                await Task.Delay(pause, stopping);
            }
            catch (OperationCanceledException)
            {
            }

            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            _loop is null ? HealthCheckResult.Healthy($"{_queue}: stopped with the bus")
            : _session is { IsOpen: true } ? HealthCheckResult.Healthy($"{_queue}: consuming")
            : HealthCheckResult.Unhealthy($"{_queue}: not connected to the broker"));

    /// <summary>The bus has started: the receiver starts, with the bus's topology to declare the message type's exchanges.</summary>
    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        _bus = bus;
        return StartAsync();
    }

    public Task PreStop(IBus bus) => StopAsync();

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus) => Task.CompletedTask;

    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    /// <remarks>Safe to call more than once: the container disposes the receiver as itself and as a bus observer.</remarks>
    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>One connection's consumer: its channel, the delivery tags it has in hand, and its acknowledgements.</summary>
    private sealed class ReceiverSession : IAsyncDisposable
    {
        private readonly RabbitMqBatchReceiver<T> _receiver;
        private readonly IConnection _connection;
        private readonly IChannel _channel;
        private readonly IChannel _errors;
        private readonly string _errorExchange;
        private readonly AckWatermark _acks;
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Cancelled when a stop has waited long enough for the messages in hand.</summary>
        private readonly CancellationTokenSource _abandon = new();
        /// <summary>Held by whoever acknowledges: two multiple acknowledgements of one tag would close the channel.</summary>
        private readonly SemaphoreSlim _acking = new(1, 1);
        private int _inHand;
        private int _draining;

        private ReceiverSession(RabbitMqBatchReceiver<T> receiver, IConnection connection, IChannel channel, IChannel errors, string errorExchange)
        {
            _receiver = receiver;
            _connection = connection;
            _channel = channel;
            _errors = errors;
            _errorExchange = errorExchange;
            _acks = new AckWatermark(receiver._prefetch);
            _channel.ChannelShutdownAsync += (_, _) =>
            {
                _closed.TrySetResult();
                return Task.CompletedTask;
            };
        }

        public bool IsOpen => _channel.IsOpen;

        public static async Task<ReceiverSession> OpenAsync(RabbitMqBatchReceiver<T> receiver, CancellationToken cancellationToken)
        {
            var connection = await new ConnectionFactory
            {
                Uri = receiver._options.Value.RabbitMq.Uri,
                ClientProvidedName = "hitl-" + receiver._queue,
                AutomaticRecoveryEnabled = false,
            }.CreateConnectionAsync(cancellationToken);
            try
            {
                var channel = await connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: 1), cancellationToken);
                var errors = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken);
                var errorExchange = await DeclareAsync(receiver, channel, cancellationToken);
                await channel.BasicQosAsync(0, receiver._prefetch, global: false, cancellationToken);
                return new ReceiverSession(receiver, connection, channel, errors, errorExchange);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// What a MassTransit endpoint of the same name declares: the queue and its exchange, the message type's
        /// exchanges bound to it, and the error queue and its exchange.
        /// </summary>
        private static async Task<string> DeclareAsync(RabbitMqBatchReceiver<T> receiver, IChannel channel, CancellationToken cancellationToken)
        {
            var queue = receiver._queue;
            var error = queue + "_error";
            var typeExchange = await RabbitMqTopology.DeclarePublishTopologyAsync<T>(receiver._bus!, channel, cancellationToken);
            foreach (var name in new[] { queue, error })
            {
                await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
                await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
                await channel.QueueBindAsync(name, name, routingKey: "", cancellationToken: cancellationToken);
            }

            await channel.ExchangeBindAsync(queue, typeExchange, routingKey: "", cancellationToken: cancellationToken);
            return error;
        }

        public async Task RunUntilClosedAsync(CancellationToken stopping)
        {
            var consumer = new AsyncEventingBasicConsumer(_channel);
            consumer.ReceivedAsync += OnReceivedAsync;
            var tag = await _channel.BasicConsumeAsync(_receiver._queue, autoAck: false, consumer, stopping);
            await Task.WhenAny(_closed.Task, Task.Delay(Timeout.Infinite, stopping));
            if (!stopping.IsCancellationRequested)
            {
                throw new InvalidOperationException($"The broker closed the channel consuming {_receiver._queue}: {_channel.CloseReason}");
            }

            // A stop: take no more, finish what is in hand, acknowledge it.
            await _channel.BasicCancelAsync(tag, noWait: false, CancellationToken.None);
            Volatile.Write(ref _draining, 1);
            if (Volatile.Read(ref _inHand) == 0)
            {
                _drained.TrySetResult();
            }

            if (await Task.WhenAny(_drained.Task, _closed.Task, Task.Delay(DrainWait, CancellationToken.None)) != _drained.Task)
            {
                await _abandon.CancelAsync();
            }

            await _acking.WaitAsync(CancellationToken.None);
            try
            {
                await AcknowledgeAsync();
            }
            finally
            {
                _acking.Release();
            }
        }

        private Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
        {
            // The body is the client's buffer only until this returns.
            Interlocked.Increment(ref _inHand);
            _ = HandleAsync(delivery.DeliveryTag, delivery.Redelivered, delivery.BasicProperties, delivery.Body.ToArray());
            return Task.CompletedTask;
        }

        private async Task HandleAsync(ulong tag, bool redelivered, IReadOnlyBasicProperties properties, byte[] body)
        {
            using var activity = StartActivity(properties);
            var outcome = "consumed";
            try
            {
                await TryHandleAsync(redelivered, properties, body);
            }
            catch (Exception e) when (!_abandon.IsCancellationRequested)
            {
                outcome = "faulted";
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                if (e is MessageValidationException)
                {
                    _receiver._logger.LogWarning("A message on {Queue} goes to its error queue: {Reason}", _receiver._queue, e.Message);
                }
                else
                {
                    _receiver._logger.LogError(e, "A message on {Queue} failed every try and goes to its error queue", _receiver._queue);
                }

                if (!await TryToErrorQueueAsync(properties, body, e))
                {
                    // Not in the error queue: left unacknowledged, it comes back when the session ends.
                    Finished(tag, settled: false);
                    return;
                }
            }
            catch (Exception)
            {
                // Abandoned by a stop: redelivered to whoever consumes next.
                Finished(tag, settled: false);
                return;
            }

            _receiver._received.Add(1, new KeyValuePair<string, object?>("queue", _receiver._queue), new KeyValuePair<string, object?>("outcome", outcome));
            Finished(tag, settled: true);
        }

        private async Task TryHandleAsync(bool redelivered, IReadOnlyBasicProperties properties, byte[] body)
        {
            var message = ReceivedJson.Read<T>(properties.ContentType, body);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await _receiver._handler.Value(message, redelivered || attempt > 0, _abandon.Token);
                    return;
                }
                catch (Exception e) when (e is not MessageValidationException && attempt < Retries.Length && !_abandon.IsCancellationRequested)
                {
                    _receiver._logger.LogDebug(e, "A message on {Queue} failed; retrying", _receiver._queue);
                    await Task.Delay(Retries[attempt], _abandon.Token);
                }
            }
        }

        /// <summary>The message as it came, with the fault in the headers a MassTransit error queue carries.</summary>
        private async Task<bool> TryToErrorQueueAsync(IReadOnlyBasicProperties properties, byte[] body, Exception fault)
        {
            var headers = properties.Headers is { } given ? new Dictionary<string, object?>(given) : [];
            headers["MT-Reason"] = "fault";
            headers["MT-Fault-ExceptionType"] = fault.GetType().FullName;
            headers["MT-Fault-Message"] = fault.Message;
            headers["MT-Fault-StackTrace"] = fault.StackTrace;
            headers["MT-Fault-Timestamp"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            headers["MT-Host-MachineName"] = Environment.MachineName;
            var copy = new BasicProperties(properties) { Headers = headers, DeliveryMode = DeliveryModes.Persistent };
            try
            {
                await _errors.BasicPublishAsync(_errorExchange, routingKey: "", mandatory: false, copy, body, _abandon.Token);
                return true;
            }
            catch (Exception e)
            {
                _receiver._logger.LogError(e, "A faulted message on {Queue} could not go to its error queue; it stays on the queue", _receiver._queue);
                return false;
            }
        }

        private Activity? StartActivity(IReadOnlyBasicProperties properties)
        {
            if (!Source.HasListeners())
            {
                return null;
            }

            var parent = properties.Headers?.TryGetValue(DiagnosticHeaders.ActivityId, out var id) == true
                ? id switch { byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes), string text => text, _ => null }
                : null;
            var activity = Source.StartActivity($"{_receiver._queue} process", ActivityKind.Consumer, parent);
            activity?.SetTag("messaging.system", "rabbitmq");
            activity?.SetTag("messaging.destination.name", _receiver._queue);
            activity?.SetTag("messaging.message.id", properties.MessageId);
            return activity;
        }

        private void Finished(ulong tag, bool settled)
        {
            if (settled)
            {
                if (_acks.Done(tag))
                {
                    AcknowledgeInTurn();
                }
            }
            else if (!_abandon.IsCancellationRequested)
            {
                // Nothing after it can be acknowledged while it is not: the session ends, and the broker hands back
                // everything unacknowledged (the handler is idempotent) to the next one.
                _ = _channel.CloseAsync(Constants.ReplySuccess, "A message could be neither handled nor given up", abort: true);
            }

            if (Interlocked.Decrement(ref _inHand) == 0 && Volatile.Read(ref _draining) == 1)
            {
                _drained.TrySetResult();
            }
        }

        /// <summary>
        /// Acknowledges up to the watermark, unless an acknowledgement is on its way: that one looks again when it is
        /// done, so each takes all that finished meanwhile.
        /// </summary>
        private void AcknowledgeInTurn()
        {
            if (_acking.Wait(0))
            {
                _ = AcknowledgeThenLookAgainAsync();
            }
        }

        private async Task AcknowledgeThenLookAgainAsync()
        {
            try
            {
                await AcknowledgeAsync();
            }
            finally
            {
                _acking.Release();
            }

            if (_acks.Pending)
            {
                AcknowledgeInTurn();
            }
        }

        private async Task AcknowledgeAsync()
        {
            while (_acks.Next() is { } upTo && _channel.IsOpen)
            {
                try
                {
                    await _channel.BasicAckAsync(upTo, multiple: true, CancellationToken.None);
                    _acks.Acknowledged(upTo);
                }
                catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or ObjectDisposedException or OperationCanceledException)
                {
                    // The session is over: what it did not acknowledge is redelivered.
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _abandon.CancelAsync();
            await _errors.DisposeAsync();
            await _channel.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}

/// <summary>How a batch receiver reads a message body.</summary>
public static class ReceivedJson
{
    /// <summary>
    /// Reads the message: plain JSON (content type application/json, text/json or none), or MassTransit's envelope.
    /// A field the contract requires but the body lacks is left for the handler's validation, which names every
    /// problem at once, as it does for a message read by a MassTransit endpoint.
    /// </summary>
    public static T Read<T>(string? contentType, ReadOnlySpan<byte> body)
        where T : class
    {
        try
        {
            var message = contentType switch
            {
                null or "" or "application/json" or "text/json" => JsonSerializer.Deserialize<T>(body, Lenient),
                "application/vnd.masstransit+json" => JsonSerializer.Deserialize<Envelope<T>>(body, Lenient)?.Message,
                _ => throw new MessageValidationException($"Invalid {typeof(T).Name}: content type {contentType} is not JSON"),
            };
            return message ?? throw new MessageValidationException($"Invalid {typeof(T).Name}: the body holds no message");
        }
        catch (JsonException e)
        {
            throw new MessageValidationException($"Invalid {typeof(T).Name}: the body is not JSON of its shape ({e.Message})");
        }
    }

    private static readonly JsonSerializerOptions Lenient = new(MessageJson.Options)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                static type =>
                {
                    foreach (var property in type.Properties)
                    {
                        property.IsRequired = false;
                    }
                },
            },
        },
    };

    private sealed record Envelope<T>(T? Message);
}

/// <summary>
/// The delivery tags of one channel that are done, and how far they can be acknowledged with one multiple
/// acknowledgement: up to the last tag before which every tag is done. The tags of a channel run 1, 2, 3, ... and no
/// more than the prefetch are unacknowledged at once, so a ring of twice that holds every tag in hand.
/// </summary>
public sealed class AckWatermark(int prefetch)
{
    private readonly Lock _gate = new();
    private readonly bool[] _done = new bool[Math.Max(2 * prefetch, 2)];
    private ulong _contiguous;
    private ulong _acknowledged;

    /// <summary>Marks the tag done; true when that moved the watermark.</summary>
    public bool Done(ulong tag)
    {
        lock (_gate)
        {
            if (tag <= _contiguous)
            {
                return false;
            }

            _done[tag % (ulong)_done.Length] = true;
            var moved = false;
            while (_done[(_contiguous + 1) % (ulong)_done.Length])
            {
                _done[(_contiguous + 1) % (ulong)_done.Length] = false;
                _contiguous++;
                moved = true;
            }

            return moved;
        }
    }

    /// <summary>True while done tags wait for their acknowledgement.</summary>
    public bool Pending => Next() is not null;

    /// <summary>The tag to acknowledge (with all before it), or null when every done tag is acknowledged.</summary>
    public ulong? Next()
    {
        lock (_gate)
        {
            return _contiguous > _acknowledged ? _contiguous : null;
        }
    }

    public void Acknowledged(ulong upTo)
    {
        lock (_gate)
        {
            _acknowledged = Math.Max(_acknowledged, upTo);
        }
    }
}
