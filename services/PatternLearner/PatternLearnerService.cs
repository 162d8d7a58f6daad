using HitlLoop.PatternLearner.Api;
using HitlLoop.PatternLearner.Consumers;
using HitlLoop.PatternLearner.Learning;
using HitlLoop.PatternLearner.Retrieval;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.AI;
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
        builder.Services.AddOutbox(sp => sp.GetRequiredService<IPatternStore>().Patterns);
        builder.Services.AddOutbox(sp => sp.GetRequiredService<ICorrectionStore>().FirstUses);
        builder.Services.AddSingleton<FirstUseRecorder>();
        builder.Services.AddSingleton(TextEmbedder.Shared);
        builder.Services.AddSingleton(sp => CorrectionSearch.Open(
            sp.GetRequiredService<IOptions<PatternLearnerOptions>>().Value.Index.Directory
            ?? Path.Combine(sp.GetRequiredService<IOptions<HitlOptions>>().Value.Embedded.DataDirectory, "pattern-learner-index"),
            sp.GetRequiredService<TextEmbedder>()));
        builder.Services.AddSingleton<CorrectionIndexFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CorrectionIndexFeed>());
        AddRuleModel(builder);
        builder.Services.AddSingleton(sp => new RuleWriter(
            sp.GetRequiredService<IOptions<PatternLearnerOptions>>(),
            sp.GetRequiredService<ILogger<RuleWriter>>(),
            sp.GetKeyedService<IChatClient>(ServiceName)));
        builder.Services.AddSingleton<GuidanceApi.Guidance>();
        builder.Services.AddSingleton<CorrectionAnalyzer>();
        builder.Services.AddSingleton<CorrectionLearner>();
    }

    /// <summary>The chat client that words rules, when PatternLearner:RuleWriter names a provider; keyed by this service's name.</summary>
    private static void AddRuleModel(IHostApplicationBuilder builder)
    {
        var model = builder.Configuration.GetSection(PatternLearnerOptions.Section).GetSection("RuleWriter").Get<RuleWriterOptions>() ?? new();
        switch (model.Provider)
        {
            case RuleModelProvider.OpenAI:
                builder.Services.AddKeyedSingleton(ServiceName, (_, _) => new OpenAI.Chat.ChatClient(
                        model.Model,
                        new System.ClientModel.ApiKeyCredential(model.ApiKey ?? "none"),
                        new OpenAI.OpenAIClientOptions { Endpoint = model.Endpoint })
                    .AsIChatClient());
                break;
            case RuleModelProvider.Ollama:
                builder.Services.AddKeyedSingleton<IChatClient>(ServiceName, (_, _) =>
                    new OllamaSharp.OllamaApiClient(model.Endpoint ?? new Uri("http://localhost:11434"), model.Model!));
                break;
        }
    }

    public void AddConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<CorrectionAcceptedConsumer, CorrectionAcceptedConsumerDefinition>();

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGuidanceApi();
        endpoints.MapPatternsApi();
    }
}
