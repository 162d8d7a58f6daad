using HitlLoop.Router.Api;
using HitlLoop.Router.Consumers;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using MassTransit;

namespace HitlLoop.Router;

/// <summary>Decides, for every scored response, auto-approve or human review, and remembers why.</summary>
public sealed class RouterService : IHitlService
{
    public const string ServiceName = "router";

    public string Name => ServiceName;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddSectionOptions<RouterOptions>(RouterOptions.Section);
        builder.Services.AddStore<IDecisionStore, DecisionStore>();
        builder.Services.AddOutbox(sp => sp.GetRequiredService<DecisionStore>().Decisions);
        builder.Services.AddSingleton<UserReactionBoard>();
        builder.Services.AddSingleton<IStoreSetup>(sp => sp.GetRequiredService<UserReactionBoard>());
        builder.Services.AddHostedService<UserReactionRefresh>();
        builder.Services.AddSingleton<RoutingPolicy>();
        builder.Services.AddSingleton<ResponseRouter>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ResponseScoredConsumer, ResponseScoredConsumerDefinition>();
        bus.AddConsumer<UserFeedbackSubmittedConsumer, UserFeedbackSubmittedConsumerDefinition>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRouterApi();
        endpoints.MapIngestionApi();
    }
}
