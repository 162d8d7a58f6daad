using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Feedback.Consumers;

/// <summary>Keeps each correction PatternLearner found repeating a ruled-on mistake: the same-mistake rate counts them.</summary>
public sealed class PatternRecurrenceMeasuredConsumer(IFeedbackStore store) : IConsumer<PatternRecurrenceMeasured>
{
    public async Task Consume(ConsumeContext<PatternRecurrenceMeasured> context)
    {
        MessageValidationException.ThrowIfAny<PatternRecurrenceMeasured>(RecurrenceChecks.Problems(context.Message));
        await store.RecordRepeatedMistakeOnceAsync(RepeatedMistake.From(context.Message), context.CancellationToken);
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
