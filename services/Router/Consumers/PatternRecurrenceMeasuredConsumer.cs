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
        MessageValidationException.ThrowIfAny<PatternRecurrenceMeasured>(Problems(context.Message));
        await patterns.MeasuredAsync(context.Message, clock.GetUtcNow().UtcDateTime, context.CancellationToken);
    }

    public static IReadOnlyList<string> Problems(PatternRecurrenceMeasured? measured) =>
        measured is null
            ? ["the message body is empty"]
            : new FieldChecks()
                .Id("patternId", measured.PatternId)
                .Id("productId", measured.ProductId)
                .Range("repeats", measured.Repeats, 0, long.MaxValue)
                .Range("windowDays", measured.WindowDays, 1, 366)
                .Range("sameMistakeRate", measured.SameMistakeRate, 0, 1)
                .Messages;
}

public sealed class PatternRecurrenceMeasuredConsumerDefinition : ConsumerDefinition<PatternRecurrenceMeasuredConsumer>
{
    public PatternRecurrenceMeasuredConsumerDefinition()
    {
        EndpointName = "router-pattern-recurrence-measured";
        ConcurrentMessageLimit = 4;
    }
}
