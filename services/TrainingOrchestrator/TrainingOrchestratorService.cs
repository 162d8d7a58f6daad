using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.TrainingOrchestrator.Api;
using HitlLoop.TrainingOrchestrator.Consumers;
using HitlLoop.TrainingOrchestrator.Evaluation;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;
using MassTransit;

namespace HitlLoop.TrainingOrchestrator;

/// <summary>Decides when to retrain, snapshots datasets and tells the ML team.</summary>
public sealed class TrainingOrchestratorService : IHitlService
{
    public const string ServiceName = "training-orchestrator";

    public string Name => ServiceName;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddSectionOptions<TrainingOrchestratorOptions>(TrainingOrchestratorOptions.Section)
            .Validate(TrainingOrchestratorOptions.HasUsableBaseUrl, "TrainingOrchestrator:PublicBaseUrl must be an absolute http(s) URL.");

        builder.Services.AddStore<IDatasetStore, DatasetStore>();
        builder.Services.AddStore<IModelRegistry, ModelRegistry>();
        builder.Services.AddOutbox(sp => sp.GetRequiredService<DatasetStore>().Snapshots);
        builder.Services.AddOutbox(sp => sp.GetRequiredService<IModelRegistry>().Models);
        builder.Services.AddSingleton<EvaluationGate>();

        builder.Services.AddSingleton<RetrainPolicy>();
        builder.Services.AddSingleton<DatasetBuilder>();
        builder.Services.AddSingleton<RetrainCoordinator>();
        builder.Services.AddHostedService<SnapshotRecovery>();
        builder.Services.AddStore<ISignalStore, SignalStore>();
        builder.Services.AddSingleton<SignalWatch>();
        builder.Services.AddSingleton<RetrainRequests>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetrainRequests>());
        builder.Services.AddSingleton<ModelVersionRecorder>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<CorrectionAcceptedConsumer, CorrectionAcceptedConsumerDefinition>();
        bus.AddConsumer<RetrainCompletedConsumer, RetrainCompletedConsumerDefinition>();
        bus.AddConsumer<UserFeedbackSubmittedConsumer, UserFeedbackSubmittedConsumerDefinition>();
        bus.AddConsumer<PatternRecurrenceMeasuredConsumer, PatternRecurrenceMeasuredConsumerDefinition>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDatasetApi();
        endpoints.MapRetrainApi();
    }
}
