using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Feedback;

/// <summary>Validates reviewer corrections into golden training data and measures the loop.</summary>
public sealed class FeedbackService : IHitlService
{
    public const string ServiceName = "feedback";

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
