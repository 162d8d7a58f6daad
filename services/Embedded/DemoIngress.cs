using HitlLoop.Contracts;
using HitlLoop.Router.Policy;
using HitlLoop.ServiceDefaults.Http;
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
            if (response is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A scored response is required."] });
            }

            // The Router's own checks, answered here: once published, a bad response could only go to the error queue.
            if (ResponseScoredValidator.Check(response) is { Problems.Count: > 0 } checks)
            {
                return TypedResults.ValidationProblem(checks.ByField());
            }

            await bus.Publish(response, cancellationToken);
            return TypedResults.Accepted($"/api/router/decisions/{Uri.EscapeDataString(response.ResponseId)}");
        }).RequireAuthorization(HitlPolicies.Product).RequireRateLimiting(ProductRateLimit.Policy).WithTags("Demo");
}
