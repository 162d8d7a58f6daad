using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.Feedback.Consumers;

public sealed class ReviewCompletedConsumer(ReviewIntake intake) : IConsumer<ReviewCompleted>
{
    public async Task Consume(ConsumeContext<ReviewCompleted> context)
    {
        var accepted = await intake.RecordAsync(context.Message, context.CancellationToken);
        if (accepted is not null)
        {
            await context.Publish(accepted, context.CancellationToken);
        }
    }
}

public sealed class ReviewCompletedConsumerDefinition : ConsumerDefinition<ReviewCompletedConsumer>
{
    public ReviewCompletedConsumerDefinition()
    {
        EndpointName = "feedback-review-completed";
        ConcurrentMessageLimit = 16;
    }
}
