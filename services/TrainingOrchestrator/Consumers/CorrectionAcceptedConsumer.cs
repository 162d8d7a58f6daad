using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.TrainingOrchestrator.Consumers;

/// <summary>The retrain request goes out through the snapshot's outbox, not this consume context.</summary>
public sealed class CorrectionAcceptedConsumer(RetrainCoordinator coordinator) : IConsumer<CorrectionAccepted>
{
    public Task Consume(ConsumeContext<CorrectionAccepted> context) =>
        coordinator.AcceptAsync(context.Message, context.CancellationToken);
}

public sealed class CorrectionAcceptedConsumerDefinition : ConsumerDefinition<CorrectionAcceptedConsumer>
{
    public CorrectionAcceptedConsumerDefinition()
    {
        EndpointName = "training-orchestrator-correction-accepted";

        // One message at a time per process, so this process never races itself building the same snapshot.
        ConcurrentMessageLimit = 1;
    }
}
