using HitlLoop.Contracts;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults.Outbox;
using MassTransit;

namespace HitlLoop.Router.Consumers;

/// <remarks>
/// A duplicate or redelivered response re-sends its review request only while the first send is not known to have
/// happened (the decision's outbox still holds it); otherwise it sends nothing. A crash between the decision and the
/// send leaves the request to the outbox sweeper.
/// </remarks>
public sealed class ResponseScoredConsumer(ResponseRouter router, DocumentOutbox<RoutingDecisionDocument> outbox) : IConsumer<ResponseScored>
{
    public async Task Consume(ConsumeContext<ResponseScored> context)
    {
        var decision = await router.RouteAsync(context.Message, context.CancellationToken);
        await outbox.PublishAsync(decision, context.CancellationToken);
    }
}

public sealed class ResponseScoredConsumerDefinition : ConsumerDefinition<ResponseScoredConsumer>
{
    public ResponseScoredConsumerDefinition()
    {
        EndpointName = "router-response-scored";
        ConcurrentMessageLimit = 64;
    }
}
