using HitlLoop.PatternLearner.Api;
using HitlLoop.PatternLearner.Consumers;
using HitlLoop.PatternLearner.Learning;
using HitlLoop.PatternLearner.Retrieval;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HitlLoop.PatternLearner;

/// <summary>Turns recurring corrections into rules and serves few-shot guidance to chat products.</summary>
public sealed class PatternLearnerService : IHitlService
{
    public const string ServiceName = "pattern-learner";

    public string Name => ServiceName;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddSectionOptions<PatternLearnerOptions>(PatternLearnerOptions.Section)
            .Validate(o => o.OverVerboseRatio < 1 && o.UnderDetailedRatio > 1, "PatternLearner:OverVerboseRatio must be below 1 and PatternLearner:UnderDetailedRatio above 1.");
        builder.Services.AddStore<ICorrectionStore, CorrectionStore>();
        builder.Services.AddStore<IPatternStore, PatternStore>();
        builder.Services.AddSingleton(sp => CorrectionSearch.Open(
            sp.GetRequiredService<IOptions<PatternLearnerOptions>>().Value.Index.Directory
            ?? Path.Combine(sp.GetRequiredService<IOptions<HitlOptions>>().Value.Embedded.DataDirectory, "pattern-learner-index")));
        builder.Services.AddSingleton<CorrectionIndexFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CorrectionIndexFeed>());
        builder.Services.AddSingleton<CorrectionAnalyzer>();
        builder.Services.AddSingleton<CorrectionLearner>();
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<CorrectionAcceptedConsumer, CorrectionAcceptedConsumerDefinition>();

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGuidanceApi();
}
