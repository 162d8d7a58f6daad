using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace HitlLoop.ServiceDefaults;

/// <summary>
/// One HitlLoop service as a unit that can run in its own process or beside the others in one process:
/// its options and storage, its consumers, and its HTTP endpoints.
/// </summary>
public interface IHitlService
{
    /// <summary>Short kebab-case name; prefixes queue names and names the service's database.</summary>
    string Name { get; }

    void AddServices(IHostApplicationBuilder builder);

    void AddConsumers(IBusRegistrationConfigurator bus);

    void MapEndpoints(IEndpointRouteBuilder endpoints);
}
