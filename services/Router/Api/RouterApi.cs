using HitlLoop.Router.Policy;
using HitlLoop.Router.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HitlLoop.Router.Api;

internal static class RouterApi
{
    private const int DefaultDays = 14;
    private const int MaxDays = 90;

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

        // The loop is working when this falls: the share of responses a human looks at, day by day (UTC).
        api.MapGet("/stats/daily", async Task<Results<Ok<DailyReviewRate>, ValidationProblem>> (
            string? productId, int? days, IDecisionStore decisions, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (days is < 1 or > MaxDays)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["days"] = [$"days must lie in 1..{MaxDays}."] });
            }

            var today = clock.GetUtcNow().UtcDateTime.Date;
            var series = new List<DayStats>();
            for (var day = today.AddDays(1 - (days ?? DefaultDays)); day <= today; day = day.AddDays(1))
            {
                var stats = await decisions.StatsAsync(productId, day, day.AddDays(1), cancellationToken);
                series.Add(new DayStats(DateOnly.FromDateTime(day), stats.Total, stats.AutoApproved, stats.ReviewRequested, stats.Audits, stats.ReviewRate));
            }

            return TypedResults.Ok(new DailyReviewRate(productId, series));
        });

        api.MapGet("/policy", (string? productId, RoutingPolicy policy) => TypedResults.Ok(new
        {
            policy.Version,
            productId,
            confidenceThreshold = productId is null ? (double?)null : policy.ConfidenceThresholdFor(productId),
        }));
    }
}

public sealed record DailyReviewRate(string? ProductId, IReadOnlyList<DayStats> Days);

public sealed record DayStats(DateOnly Date, long Total, long AutoApproved, long ReviewRequested, long Audits, double ReviewRate);
