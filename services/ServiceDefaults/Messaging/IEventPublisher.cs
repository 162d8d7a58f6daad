using MassTransit;

namespace HitlLoop.ServiceDefaults;

/// <summary>
/// Publishes an event as the last step of consuming a message: the message is acknowledged only once the event is
/// with the transport, so a crash in between redelivers the message and never loses the event.
/// </summary>
public interface IEventPublisher
{
    Task PublishAsync<T>(ConsumeContext context, T message)
        where T : class;

    /// <summary>The same for a message consumed without MassTransit's pipeline (see <see cref="RabbitMqBatchReceiver{T}"/>).</summary>
    Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class;
}

/// <summary>Through the consume context, as any MassTransit publish: on the in-memory transport the journal keeps it.</summary>
internal sealed class ConsumeContextEventPublisher(IBus bus) : IEventPublisher
{
    public Task PublishAsync<T>(ConsumeContext context, T message)
        where T : class => context.Publish(message, context.CancellationToken);

    public Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class => bus.Publish(message, cancellationToken);
}
