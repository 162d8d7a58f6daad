using HitlLoop.Contracts;
using HitlLoop.Router.Signals;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Router.Consumers;

/// <summary>
/// Keeps PatternLearner's latest measure of each known mistake's recurrence: a response repeating a mistake whose
/// rule is not working goes to review urgently.
/// </summary>
public sealed class PatternRecurrenceMeasuredConsumer(KnownPatternBoard patterns, TimeProvider clock) : IConsumer<PatternRecurrenceMeasured>
{
    public async Task Consume(ConsumeContext<PatternRecurrenceMeasured> context)
    {
        MessageValidationException.ThrowIfAny<PatternRecurrenceMeasured>(RecurrenceChecks.Problems(context.Message));
        await patterns.MeasuredAsync(context.Message, clock.GetUtcNow().UtcDateTime, context.CancellationToken);
    }
}

public sealed class PatternRecurrenceMeasuredConsumerDefinition : ConsumerDefinition<PatternRecurrenceMeasuredConsumer>
{
    public PatternRecurrenceMeasuredConsumerDefinition()
    {
        EndpointName = "router-pattern-recurrence-measured";
        ConcurrentMessageLimit = 4;
    }
}
