using HitlLoop.Contracts;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Router.Consumers;

/// <remarks>
/// The review request is published once the decision is stored, and the message is acknowledged only after the broker
/// has it (see IEventPublisher): the message is the request's outbox. A crash in between
/// redelivers the message, which finds the decision and publishes the request again (ReviewQueue keeps one item per
/// response id); so does a retry after a failed publish. A duplicate that is neither publishes nothing: the message
/// that made the decision publishes its request, as a response first posted over HTTP had its request sent there.
/// </remarks>
public sealed class ResponseScoredConsumer(ResponseRouter router, IEventPublisher events) : IConsumer<ResponseScored>
{
    public async Task Consume(ConsumeContext<ResponseScored> context)
    {
        var routed = await router.DecideAsync(context.Message, context.CancellationToken);
        if (routed.RequestToSend(context.ReceiveContext.Redelivered || context.GetRetryAttempt() > 0) is { } request)
        {
            await events.PublishAsync(context, request);
        }
    }
}

/// <summary>
/// The same on RabbitMQ, where the scored responses are consumed by a <see cref="RabbitMqBatchReceiver{T}"/>, which
/// acknowledges them a batch at a time (see <see cref="RouterService"/>).
/// </summary>
public sealed class ResponseScoredReceiver(ResponseRouter router, IEventPublisher events)
{
    public async Task HandleAsync(ResponseScored message, bool redelivered, CancellationToken cancellationToken)
    {
        var routed = await router.DecideAsync(message, cancellationToken);
        if (routed.RequestToSend(redelivered) is { } request)
        {
            await events.PublishAsync(request, cancellationToken);
        }
    }
}

public sealed class ResponseScoredConsumerDefinition : ConsumerDefinition<ResponseScoredConsumer>
{
    /// <summary>The queue of scored responses, whichever consumes it.</summary>
    public const string Queue = "router-response-scored";

    /// <summary>Messages decided at once: decisions made side by side are stored together (see DecisionStore), so the more, the fuller each write.</summary>
    public const int Concurrency = 64;

    /// <summary>Messages the broker hands over ahead, so the next ones are there when a batch is written.</summary>
    public const ushort Prefetch = 128;

    public ResponseScoredConsumerDefinition()
    {
        EndpointName = Queue;
        ConcurrentMessageLimit = Concurrency;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ResponseScoredConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = Prefetch;
        }
    }
}
