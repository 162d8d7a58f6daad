using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.PatternLearner;

/// <summary>Turns recurring corrections into rules and serves few-shot guidance to chat products.</summary>
public sealed class PatternLearnerService : IHitlService
{
    public const string ServiceName = "pattern-learner";

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
