using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.PatternLearner.Consumers;

public sealed class CorrectionAcceptedConsumer(CorrectionLearner learner) : IConsumer<CorrectionAccepted>
{
    public async Task Consume(ConsumeContext<CorrectionAccepted> context)
    {
        foreach (var learned in await learner.LearnAsync(context.Message, context.CancellationToken))
        {
            await context.Publish(learned, context.CancellationToken);
        }
    }
}

public sealed class CorrectionAcceptedConsumerDefinition : ConsumerDefinition<CorrectionAcceptedConsumer>
{
    public CorrectionAcceptedConsumerDefinition()
    {
        EndpointName = "pattern-learner-correction-accepted";
        ConcurrentMessageLimit = 16;
    }
}
