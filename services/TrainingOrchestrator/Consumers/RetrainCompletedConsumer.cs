using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.TrainingOrchestrator.Consumers;

public sealed class RetrainCompletedConsumer(ModelVersionRecorder recorder) : IConsumer<RetrainCompleted>
{
    public Task Consume(ConsumeContext<RetrainCompleted> context) =>
        recorder.RecordAsync(context.Message, context.CancellationToken);
}

public sealed class RetrainCompletedConsumerDefinition : ConsumerDefinition<RetrainCompletedConsumer>
{
    public RetrainCompletedConsumerDefinition()
    {
        EndpointName = "training-orchestrator-retrain-completed";
        ConcurrentMessageLimit = 4;
    }
}
