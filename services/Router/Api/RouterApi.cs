using HitlLoop.Contracts;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
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

        api.MapGet("/stats", async Task<Results<Ok<ProductStats>, ValidationProblem>> (string? productId, IDecisionStore decisions, CancellationToken cancellationToken) =>
        {
            if (ProductProblem(productId) is { } problem)
            {
                return TypedResults.ValidationProblem(problem);
            }

            var stats = await decisions.StatsAsync(productId, cancellationToken);
            return TypedResults.Ok(new ProductStats(productId, stats.Total, stats.AutoApproved, stats.ReviewRequested, stats.Audits, stats.BudgetSkipped, stats.ReviewRate));
        }).RequireAuthorization(HitlPolicies.Metrics);

        // The loop is working when this falls: the share of responses a human looks at, day by day (UTC).
        api.MapGet("/stats/daily", async Task<Results<Ok<DailyReviewRate>, ValidationProblem>> (
            string? productId, int? days, IDecisionStore decisions, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if ((UtcDays.Problem(days) ?? ProductProblem(productId)) is { } problem)
            {
                return TypedResults.ValidationProblem(problem);
            }

            var series = new List<DayStats>();
            foreach (var day in UtcDays.Ending(clock, days))
            {
                var stats = await decisions.StatsAsync(productId, day, day.AddDays(1), cancellationToken);
                series.Add(new DayStats(DateOnly.FromDateTime(day), stats.Total, stats.AutoApproved, stats.ReviewRequested, stats.Audits, stats.BudgetSkipped, stats.ReviewRate));
            }

            return TypedResults.Ok(new DailyReviewRate(productId, series));
        }).RequireAuthorization(HitlPolicies.Metrics);

        api.MapGet("/policy", (string? productId, RoutingPolicy policy) => TypedResults.Ok(new
        {
            policy.Version,
            productId,
            confidenceThreshold = productId is null ? (double?)null : policy.ConfiguredThresholdFor(productId),
        })).RequireAuthorization(HitlPolicies.Lead);

        // Where reviewers' verdicts have moved each kind of response's threshold, with every step and its evidence.
        api.MapGet("/thresholds", async Task<Results<Ok<ProductThresholds>, ValidationProblem>> (
            string? productId, RoutingPolicy policy, CalibrationBoard calibrations, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(productId))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["productId"] = ["productId is required"] });
            }

            var kinds = await calibrations.ListAsync(productId, cancellationToken);
            return TypedResults.Ok(new ProductThresholds(
                productId,
                policy.ConfiguredThresholdFor(productId),
                policy.Calibrates(productId),
                [.. kinds.Select(k => new KindThreshold(k.Category, k.Threshold, k.BandReviews, k.BandCorrections, k.Audits, k.AuditsWrong, k.Changes))]));
        }).RequireAuthorization(HitlPolicies.Metrics);
    }

    /// <summary>A product id longer than any the services accept names no product: 400 naming the parameter.</summary>
    private static Dictionary<string, string[]>? ProductProblem(string? productId) =>
        productId is { Length: > ContractLimits.IdLength }
            ? new() { ["productId"] = [$"productId holds {productId.Length} characters, more than {ContractLimits.IdLength}."] }
            : null;
}

/// <summary>A product's thresholds: where each starts (<paramref name="Configured"/>) and where reviews have moved it.</summary>
public sealed record ProductThresholds(string ProductId, double Configured, bool Calibrated, IReadOnlyList<KindThreshold> Kinds);

/// <summary>One kind's threshold (a category, or null for responses without one), the evidence since its last step, and its steps.</summary>
public sealed record KindThreshold(
    string? Category, double Threshold, int BandReviews, int BandCorrections, int Audits, int AuditsWrong, IReadOnlyList<ThresholdChange> Changes);

public sealed record ProductStats(string? ProductId, long Total, long AutoApproved, long ReviewRequested, long Audits, long BudgetSkipped, double ReviewRate);

public sealed record DailyReviewRate(string? ProductId, IReadOnlyList<DayStats> Days);

public sealed record DayStats(DateOnly Date, long Total, long AutoApproved, long ReviewRequested, long Audits, long BudgetSkipped, double ReviewRate);
