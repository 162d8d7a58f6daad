using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.TrainingOrchestrator;

/// <summary>Decides when to retrain, snapshots datasets and tells the ML team.</summary>
public sealed class TrainingOrchestratorService : IHitlService
{
    public const string ServiceName = "training-orchestrator";

    public string Name => ServiceName;

    public void AddServices(IHostApplicationBuilder builder)
    {
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
