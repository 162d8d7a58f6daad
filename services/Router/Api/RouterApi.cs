using HitlLoop.Router.Policy;
using HitlLoop.Router.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HitlLoop.Router.Api;

internal static class RouterApi
{
    public static void MapRouterApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/router").WithTags("Router");

        api.MapGet("/decisions/{responseId}", async Task<Results<Ok<RoutingDecisionDocument>, NotFound>> (
            string responseId, IDecisionStore decisions, CancellationToken cancellationToken) =>
            await decisions.FindAsync(responseId, cancellationToken) is { } decision
                ? TypedResults.Ok(decision)
                : TypedResults.NotFound());

        api.MapGet("/stats", async (string? productId, IDecisionStore decisions, CancellationToken cancellationToken) =>
        {
            var stats = await decisions.StatsAsync(productId, cancellationToken);
            return TypedResults.Ok(new
            {
                productId,
                stats.Total,
                stats.AutoApproved,
                stats.ReviewRequested,
                stats.Audits,
                stats.ReviewRate,
            });
        });

        api.MapGet("/policy", (string? productId, RoutingPolicy policy) => TypedResults.Ok(new
        {
            policy.Version,
            productId,
            confidenceThreshold = productId is null ? (double?)null : policy.ConfidenceThresholdFor(productId),
        }));
    }
}
