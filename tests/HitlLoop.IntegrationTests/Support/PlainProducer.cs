using System.Text;
using RabbitMQ.Client;

namespace HitlLoop.IntegrationTests.Support;

/// <summary>
/// Publishes the way the README tells a non-.NET chat product to: the plain AMQP client, the event's fanout
/// exchange, a raw JSON body with content type application/json. No MassTransit on this side.
/// </summary>
public sealed class PlainProducer : IAsyncDisposable
{
    public const string ResponseScoredExchange = "HitlLoop.Contracts:ResponseScored";
    public const string ReviewCompletedExchange = "HitlLoop.Contracts:ReviewCompleted";

    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private PlainProducer(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<PlainProducer> ConnectAsync(Uri uri)
    {
        var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        // Declaring is idempotent and matches what the services declare, so a producer may start first.
        await channel.ExchangeDeclareAsync(ResponseScoredExchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        return new PlainProducer(connection, channel);
    }

    public async Task PublishAsync(string exchange, string json, string? contentType = "application/json")
    {
        var properties = new BasicProperties
        {
            ContentType = contentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
        };
        await _channel.BasicPublishAsync(exchange, routingKey: "", mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>
    /// A queue of the product's own bound to an event's fanout exchange, as a chat product that waits for verdicts
    /// declares it; both declarations are idempotent and match the services' own.
    /// </summary>
    public async Task BindQueueAsync(string queue, string exchange)
    {
        await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await _channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await _channel.QueueBindAsync(queue, exchange, routingKey: "");
    }

    public async Task DeleteExchangeAsync(string exchange) => await _channel.ExchangeDeleteAsync(exchange);

    /// <summary>Whether an exchange of this virtual host exists.</summary>
    public async Task<bool> ExchangeExistsAsync(string exchange)
    {
        // A failed passive declare closes its channel, so each look gets its own.
        await using var channel = await _connection.CreateChannelAsync();
        try
        {
            await channel.ExchangeDeclarePassiveAsync(exchange);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }

    /// <summary>Takes one message off a queue (for reading error queues); null when it is empty.</summary>
    public async Task<BasicGetResult?> GetAsync(string queue) => await _channel.BasicGetAsync(queue, autoAck: true);

    /// <summary>Ready messages in a queue of this virtual host; 0 when the queue does not exist.</summary>
    public async Task<uint> CountAsync(string queue)
    {
        // A failed passive declare closes its channel, so each count gets its own.
        await using var channel = await _connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
