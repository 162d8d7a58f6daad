using HitlLoop.Contracts;
using HitlLoop.Router.Api;
using HitlLoop.Router.Consumers;
using HitlLoop.Router.Novelty;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Stats;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HitlLoop.Router;

/// <summary>Decides, for every scored response, auto-approve or human review, and remembers why.</summary>
public sealed class RouterService : IHitlService
{
    public const string ServiceName = "router";

    public string Name => ServiceName;

    /// <summary>
    /// On RabbitMQ the scored responses, the Router's busiest queue by far, are consumed straight off the broker and
    /// acknowledged a batch at a time, not through a MassTransit endpoint (benchmarks/README.md, "One acknowledgement a
    /// batch"); its other events, a few a minute, keep theirs.
    /// </summary>
    private bool _receivesScoredResponsesDirectly;

    public void AddServices(IHostApplicationBuilder builder)
    {
        _receivesScoredResponsesDirectly = builder.Configuration.GetSection(HitlOptions.Section).Get<HitlOptions>()?.Transport == TransportKind.RabbitMq;
        if (_receivesScoredResponsesDirectly)
        {
            builder.Services.AddSingleton<ResponseScoredReceiver>();
            builder.Services.AddRabbitMqBatchReceiver<ResponseScored>(
                ResponseScoredConsumerDefinition.Queue,
                ResponseScoredConsumerDefinition.Prefetch,
                sp => sp.GetRequiredService<ResponseScoredReceiver>().HandleAsync);
        }

        builder.AddSectionOptions<RouterOptions>(RouterOptions.Section);
        builder.Services.AddStore<IDecisionStore, DecisionStore>();
        builder.Services.AddSingleton<ReviewRequestOutbox>();
        builder.Services.AddSingleton<IStoreSetup>(sp => sp.GetRequiredService<ReviewRequestOutbox>());
        builder.Services.AddOutbox(sp => sp.GetRequiredService<ReviewRequestOutbox>().Requests);
        AddSignals<UserReactionBoard>(builder.Services);
        AddSignals<KnownPatternBoard>(builder.Services);
        AddSignals<CalibrationBoard>(builder.Services);
        AddSignals<ProductPolicyBoard>(builder.Services);
        AddSignals<NoveltyBoard>(builder.Services);
        builder.Services.AddHostedService<SignalRefresh>();
        builder.Services.AddSingleton(sp => new RoutingPolicy(sp.GetRequiredService<IOptions<RouterOptions>>(), sp.GetRequiredService<ProductPolicyBoard>()));
        builder.Services.AddSingleton<ReviewBudgets>();
        builder.Services.AddSingleton<IStoreSetup>(sp => sp.GetRequiredService<ReviewBudgets>());
        builder.Services.AddSingleton<ResponseRouter>();
        builder.Services.AddSingleton<ReviewRateReporter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReviewRateReporter>());
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        if (!_receivesScoredResponsesDirectly)
        {
            bus.AddConsumer<ResponseScoredConsumer, ResponseScoredConsumerDefinition>();
        }

        bus.AddConsumer<UserFeedbackSubmittedConsumer, UserFeedbackSubmittedConsumerDefinition>();
        bus.AddConsumer<PatternLearnedConsumer, PatternLearnedConsumerDefinition>();
        bus.AddConsumer<PatternRecurrenceMeasuredConsumer, PatternRecurrenceMeasuredConsumerDefinition>();
        bus.AddConsumer<ReviewCompletedConsumer, ReviewCompletedConsumerDefinition>();
    }

    /// <summary>A board of signals: set up with the stores, refreshed with the others.</summary>
    private static void AddSignals<TBoard>(IServiceCollection services)
        where TBoard : class, IStoreSetup, IRefreshedSignals
    {
        services.AddSingleton<TBoard>();
        services.AddSingleton<IStoreSetup>(sp => sp.GetRequiredService<TBoard>());
        services.AddSingleton<IRefreshedSignals>(sp => sp.GetRequiredService<TBoard>());
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapRouterApi();
        endpoints.MapIngestionApi();
        endpoints.MapPoliciesApi();
    }
}
