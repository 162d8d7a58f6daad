using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Api;
using HitlLoop.Feedback.Exports;
using HitlLoop.Feedback.Metrics;
using HitlLoop.Feedback.Consumers;
using HitlLoop.Feedback.Corrections;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using MassTransit;

namespace HitlLoop.Feedback;

/// <summary>Validates reviewer corrections into golden training data and measures the loop.</summary>
public sealed class FeedbackService : IHitlService
{
    public const string ServiceName = "feedback";

    public string Name => ServiceName;

    public void AddServices(IHostApplicationBuilder builder)
    {
        builder.AddSectionOptions<FeedbackOptions>(FeedbackOptions.Section);
        builder.Services.AddStore<IFeedbackStore, FeedbackStore>();
        builder.Services.AddSingleton<CorrectionValidator>();
        builder.Services.AddSingleton<ReviewIntake>();
        builder.Services.AddSingleton<ReviewerAgreement>();
        builder.Services.AddSingleton<Adjudicator>();
        builder.Services.AddSingleton<GoldenReader>();
        builder.Services.AddOutbox(sp => sp.GetRequiredService<IFeedbackStore>().ReviewedItems);
        builder.Services.AddSingleton<UserFeedbackIntake>();
        builder.Services.AddSingleton<LoopFiguresReader>();
        builder.Services.AddSingleton<LoopInstruments>();
        builder.Services.AddOutbox(sp => sp.GetRequiredService<IFeedbackStore>().Alerts);
        builder.Services.AddSingleton<LoopAlerts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LoopAlerts>());
    }

    public void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ReviewCompletedConsumer, ReviewCompletedConsumerDefinition>();
        bus.AddConsumer<UserFeedbackSubmittedConsumer, UserFeedbackSubmittedConsumerDefinition>();
        bus.AddConsumer<PatternRecurrenceMeasuredConsumer, PatternRecurrenceMeasuredConsumerDefinition>();
        bus.AddConsumer<ReviewRateMeasuredConsumer, ReviewRateMeasuredConsumerDefinition>();
        bus.AddConsumer<CorrectionFirstServedConsumer, CorrectionFirstServedConsumerDefinition>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapFeedbackApi();
}
