using System.Text.Json.Serialization;
using HitlLoop.ServiceDefaults.Http;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Privacy;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HitlLoop.ServiceDefaults;

public static class HitlHost
{
    private const string ReadyTag = "ready";

    /// <summary>
    /// Registers the given services in this process, with the shared plumbing: options, store, bus, outbox,
    /// health, telemetry, problem details, authentication and authorization. One service for a production process; all five for the embedded default.
    /// </summary>
    public static WebApplicationBuilder AddHitlServices(this WebApplicationBuilder builder, params IHitlService[] services)
    {
        var options = builder.AddHitlInfrastructure(services);
        builder.Services.AddHitlBus(options, services);
        return builder;
    }

    /// <summary>Everything but the bus: for hosts (and test harnesses) that bring their own.</summary>
    public static HitlOptions AddHitlInfrastructure(this IHostApplicationBuilder builder, params IHitlService[] services)
    {
        ArgumentOutOfRangeException.ThrowIfZero(services.Length);

        var section = builder.Configuration.GetSection(HitlOptions.Section);
        var options = section.Get<HitlOptions>() ?? new HitlOptions();
        builder.AddSectionOptions<HitlOptions>(HitlOptions.Section);
        builder.Services.AddSingleton(new HostedServices(services));
        // Read when first asked for, after the options were validated at start: a simulated clock without Start stops the start.
        builder.Services.AddSingleton(services =>
            services.GetRequiredService<IOptions<HitlOptions>>().Value.SimulatedClock is { } simulated ? ScaledTimeProvider.From(simulated) : TimeProvider.System);

        builder.AddHitlTelemetry(services.Length == 1 ? $"hitl-{services[0].Name}" : "hitl-embedded");
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        // Bad requests reach BadRequestProblems in every environment, so the answer names the field everywhere.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi(openApi => openApi.AddBearerSecurity());
        builder.AddHitlAuthentication(options);
        builder.Services.AddProductRateLimit(options.RateLimit);
        builder.Services.AddBrowserOrigins(options.Cors);
        // The redaction hook: a host registering its own ITextRedactor after this line replaces the default.
        builder.Services.AddSingleton<ITextRedactor>(options.RedactPersonalData ? new PatternRedactor() : new NoRedaction());
        // Through the consume context unless the bus says otherwise (RabbitMQ: see AddHitlBus).
        builder.Services.TryAddSingleton<IEventPublisher, ConsumeContextEventPublisher>();

        // Any HTTP client a service makes gets retries with jitter, a circuit breaker and timeouts.
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        builder.Services.ConfigureHttpJsonOptions(json =>
            // Enums travel as names only: a number is refused, since "verdict": 2 says nothing a reader can check.
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false)));

        builder.Services.AddSingleton<IDocumentStoreFactory>(sp => options.Store == StoreKind.MongoDb
            ? ActivatorUtilities.CreateInstance<MongoDocumentStoreFactory>(sp)
            : ActivatorUtilities.CreateInstance<EmbeddedDocumentStoreFactory>(sp));
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService<StoreSetupRunner>();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);

        foreach (var service in services)
        {
            service.AddServices(builder);
        }

        return options;
    }

    /// <summary>
    /// Maps health probes, the OpenAPI description (/openapi/v1.json) and every registered service's endpoints, behind
    /// authentication: an endpoint without a policy of its own still needs an authenticated caller.
    /// </summary>
    public static WebApplication MapHitlServices(this WebApplication app)
    {
        // A body that does not bind reaches BadRequestProblems, which answers 400 naming the field.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBrowserOrigins(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HitlOptions>>().Value.Cors);
        app.UseHitlAuthentication();
        app.UseRateLimiter();
        app.UseRequestBodyLimits();
        app.UseRawRouteValues();

        // Probes and the API description are for load balancers and tooling, which hold no credentials.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();

        foreach (var service in app.Services.GetRequiredService<HostedServices>().Services)
        {
            service.MapEndpoints(app);
        }

        return app;
    }

    private sealed record HostedServices(IReadOnlyList<IHitlService> Services);

    private sealed class StoreHealthCheck(IDocumentStoreFactory stores, HostedServices hosted) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                foreach (var service in hosted.Services)
                {
                    await stores.ForService(service.Name).PingAsync(cancellationToken);
                }

                return HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("The store does not answer.", e);
            }
        }
    }
}
