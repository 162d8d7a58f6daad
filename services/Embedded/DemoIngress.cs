using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Security;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HitlLoop.Embedded;

public static class DemoIngress
{
    /// <summary>Tells a first-time user, once the host listens, where the reviewer page is and how to feed it.</summary>
    public static void AnnounceFirstSteps(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Urls.FirstOrDefault() ?? "http://localhost:5000";
            app.Logger.LogInformation(
                "HitlLoop is running: reviewers open {ReviewPage} (demo API key: demo-token); post a scored response to {Ingress} (demo API key: demo-product-key)",
                $"{address}/review/",
                $"{address}/api/demo/response-scored");
        });

    /// <summary>
    /// With the in-memory bus there is no broker for a chat product to publish to, so the embedded host lets a
    /// first-time user post a scored response over HTTP; it is published exactly as one from RabbitMQ would be.
    /// </summary>
    public static void MapDemoIngress(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/demo/response-scored", async Task<Results<Accepted, ValidationProblem>> (
            ResponseScored? response, IPublishEndpoint bus, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(response?.ResponseId))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["responseId"] = ["responseId is required."] });
            }

            await bus.Publish(response, cancellationToken);
            return TypedResults.Accepted($"/api/router/decisions/{Uri.EscapeDataString(response.ResponseId)}");
        }).RequireAuthorization(HitlPolicies.Product).WithTags("Demo");
}
