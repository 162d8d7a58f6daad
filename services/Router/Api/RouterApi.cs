using HitlLoop.Router.Policy;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.ServiceDefaults;
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
                : TypedResults.NotFound())
            .RequireAuthorization(HitlPolicies.Lead);

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
        }).RequireAuthorization(HitlPolicies.Metrics);

        // The loop is working when this falls: the share of responses a human looks at, day by day (UTC).
        api.MapGet("/stats/daily", async Task<Results<Ok<DailyReviewRate>, ValidationProblem>> (
            string? productId, int? days, IDecisionStore decisions, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (UtcDays.Problem(days) is { } problem)
            {
                return TypedResults.ValidationProblem(problem);
            }

            var series = new List<DayStats>();
            foreach (var day in UtcDays.Ending(clock, days))
            {
                var stats = await decisions.StatsAsync(productId, day, day.AddDays(1), cancellationToken);
                series.Add(new DayStats(DateOnly.FromDateTime(day), stats.Total, stats.AutoApproved, stats.ReviewRequested, stats.Audits, stats.ReviewRate));
            }

            return TypedResults.Ok(new DailyReviewRate(productId, series));
        }).RequireAuthorization(HitlPolicies.Metrics);

        api.MapGet("/policy", (string? productId, RoutingPolicy policy) => TypedResults.Ok(new
        {
            policy.Version,
            productId,
            confidenceThreshold = productId is null ? (double?)null : policy.ConfidenceThresholdFor(productId),
        })).RequireAuthorization(HitlPolicies.Lead);
    }
}

public sealed record DailyReviewRate(string? ProductId, IReadOnlyList<DayStats> Days);

public sealed record DayStats(DateOnly Date, long Total, long AutoApproved, long ReviewRequested, long Audits, double ReviewRate);
