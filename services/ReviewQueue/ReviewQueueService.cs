using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.ReviewQueue;

/// <summary>Serves reviewers the queue: claim with a lease, approve, edit or reject.</summary>
public sealed class ReviewQueueService : IHitlService
{
    public const string ServiceName = "review-queue";

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
