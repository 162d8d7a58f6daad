using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.Feedback.Consumers;

public sealed class UserFeedbackSubmittedConsumer(UserFeedbackIntake intake) : IConsumer<UserFeedbackSubmitted>
{
    public Task Consume(ConsumeContext<UserFeedbackSubmitted> context) =>
        intake.RecordAsync(context.Message, context.CancellationToken);
}

public sealed class UserFeedbackSubmittedConsumerDefinition : ConsumerDefinition<UserFeedbackSubmittedConsumer>
{
    public UserFeedbackSubmittedConsumerDefinition()
    {
        EndpointName = "feedback-user-feedback-submitted";
        ConcurrentMessageLimit = 16;
    }
}
