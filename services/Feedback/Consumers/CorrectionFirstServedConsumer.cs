using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Feedback.Consumers;

/// <summary>Keeps when guidance first used each correction: the loop's time from correction to improvement.</summary>
public sealed class CorrectionFirstServedConsumer(IFeedbackStore store) : IConsumer<CorrectionFirstServed>
{
    public async Task Consume(ConsumeContext<CorrectionFirstServed> context)
    {
        MessageValidationException.ThrowIfAny<CorrectionFirstServed>(Problems(context.Message));
        await store.RecordCorrectionServedOnceAsync(CorrectionServed.From(context.Message), context.CancellationToken);
    }

    public static IReadOnlyList<string> Problems(CorrectionFirstServed? served) =>
        served is null
            ? ["the message body is empty"]
            : new FieldChecks()
                .Id("correctionId", served.CorrectionId)
                .Id("productId", served.ProductId)
                .That(served.ServedAt != default, "servedAt", "servedAt is required.")
                .That(served.AcceptedAt != default, "acceptedAt", "acceptedAt is required.")
                .Messages;
}

public sealed class CorrectionFirstServedConsumerDefinition : ConsumerDefinition<CorrectionFirstServedConsumer>
{
    public CorrectionFirstServedConsumerDefinition()
    {
        EndpointName = "feedback-correction-first-served";
        ConcurrentMessageLimit = 4;
    }
}
