using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Feedback.Consumers;

/// <summary>Keeps PatternLearner's same-mistake figures per product and day for the loop's metrics.</summary>
public sealed class PatternRecurrenceMeasuredConsumer(IFeedbackStore store) : IConsumer<PatternRecurrenceMeasured>
{
    public async Task Consume(ConsumeContext<PatternRecurrenceMeasured> context)
    {
        MessageValidationException.ThrowIfAny<PatternRecurrenceMeasured>(RecurrenceChecks.Problems(context.Message));
        await store.RecordSameMistakeAsync(SameMistakeMeasure.From(context.Message), context.CancellationToken);
    }
}

public sealed class PatternRecurrenceMeasuredConsumerDefinition : ConsumerDefinition<PatternRecurrenceMeasuredConsumer>
{
    public PatternRecurrenceMeasuredConsumerDefinition()
    {
        EndpointName = "feedback-pattern-recurrence-measured";
        ConcurrentMessageLimit = 4;
    }
}
