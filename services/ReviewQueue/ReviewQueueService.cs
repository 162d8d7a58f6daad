using HitlLoop.ReviewQueue.Api;
using HitlLoop.ReviewQueue.Consumers;
using HitlLoop.ReviewQueue.Frontend;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.ServiceDefaults.Outbox;
using MassTransit;

namespace HitlLoop.ReviewQueue;

/// <summary>Serves reviewers the queue: claim with a lease, approve, edit or reject.</summary>
public sealed class ReviewQueueService : IHitlService
{
    public const string ServiceName = "review-queue";

    public string Name => ServiceName;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddSectionOptions<ReviewQueueOptions>(ReviewQueueOptions.Section);
        builder.Services.AddStore<IReviewItemStore, ReviewItemStore>();
        builder.Services.AddStore<IReviewerStore, ReviewerStore>();
        builder.Services.AddSingleton<ReviewDesk>();
        builder.Services.AddSingleton<QueueChanges>();
        builder.Services.AddSingleton<QueueWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QueueWatch>());
        builder.Services.AddOutbox(sp => sp.GetRequiredService<ReviewItemStore>().Items);
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ReviewRequestedConsumer, ReviewRequestedConsumerDefinition>();
        bus.AddConsumer<ReviewerAgreementMeasuredConsumer, ReviewerAgreementMeasuredConsumerDefinition>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapReviewQueueApi();
        endpoints.MapQueueEvents();
        endpoints.MapReviewersApi();
        endpoints.MapReviewFrontend();
    }
}
