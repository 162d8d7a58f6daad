using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.Router.Consumers;

public sealed class ResponseScoredConsumer(ResponseRouter router) : IConsumer<ResponseScored>
{
    public async Task Consume(ConsumeContext<ResponseScored> context)
    {
        var request = await router.RouteAsync(context.Message, context.CancellationToken);
        if (request is not null)
        {
            await context.Publish(request, context.CancellationToken);
        }
    }
}

public sealed class ResponseScoredConsumerDefinition : ConsumerDefinition<ResponseScoredConsumer>
{
    public ResponseScoredConsumerDefinition()
    {
        EndpointName = "router-response-scored";
        ConcurrentMessageLimit = 16;
    }
}
