using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.PatternLearner.Consumers;

public sealed class CorrectionAcceptedConsumer(CorrectionLearner learner) : IConsumer<CorrectionAccepted>
{
    public async Task Consume(ConsumeContext<CorrectionAccepted> context)
    {
        var lessons = await learner.LearnAsync(context.Message, context.CancellationToken);
        foreach (var learned in lessons.Learned)
        {
            await context.Publish(learned, context.CancellationToken);
        }

        foreach (var recurrence in lessons.Recurrences)
        {
            await context.Publish(recurrence, context.CancellationToken);
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
