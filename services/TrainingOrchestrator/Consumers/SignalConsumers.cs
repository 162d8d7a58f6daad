using HitlLoop.Contracts;
using HitlLoop.TrainingOrchestrator.Policy;
using MassTransit;

namespace HitlLoop.TrainingOrchestrator.Consumers;

/// <summary>End users' reactions, for the negative-feedback trigger.</summary>
public sealed class UserFeedbackSubmittedConsumer(SignalWatch watch) : IConsumer<UserFeedbackSubmitted>
{
    public Task Consume(ConsumeContext<UserFeedbackSubmitted> context) => watch.ReactedAsync(context.Message, context.CancellationToken);
}

public sealed class UserFeedbackSubmittedConsumerDefinition : ConsumerDefinition<UserFeedbackSubmittedConsumer>
{
    public UserFeedbackSubmittedConsumerDefinition()
    {
        EndpointName = "training-orchestrator-user-feedback-submitted";
        ConcurrentMessageLimit = 8;
    }
}

/// <summary>PatternLearner's same-mistake figures, for the pattern-shift trigger.</summary>
public sealed class PatternRecurrenceMeasuredConsumer(SignalWatch watch) : IConsumer<PatternRecurrenceMeasured>
{
    public Task Consume(ConsumeContext<PatternRecurrenceMeasured> context) => watch.RecurredAsync(context.Message, context.CancellationToken);
}

public sealed class PatternRecurrenceMeasuredConsumerDefinition : ConsumerDefinition<PatternRecurrenceMeasuredConsumer>
{
    public PatternRecurrenceMeasuredConsumerDefinition()
    {
        EndpointName = "training-orchestrator-pattern-recurrence-measured";
        ConcurrentMessageLimit = 4;
    }
}
