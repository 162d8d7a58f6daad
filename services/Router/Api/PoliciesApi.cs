using System.Security.Claims;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HitlLoop.Router.Api;

/// <summary>
/// A product's routing policy over HTTP: leads read it, admins replace it. Each replacement is a new version that
/// later decisions name; the versions before it stay readable.
/// </summary>
internal static class PoliciesApi
{
    public static void MapPoliciesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/router/policies").WithTags("Router");

        api.MapGet("/{productId}", async (string productId, RoutingPolicy policy, ProductPolicyBoard policies, CancellationToken cancellationToken) =>
        {
            var stored = await policies.ReadAsync(productId, cancellationToken) is { PolicyVersion: > 0 } set ? set : null;
            return TypedResults.Ok(PolicyView.Of(productId, stored, policy));
        }).RequireAuthorization(HitlPolicies.Lead);

        api.MapPut("/{productId}", async Task<Results<Ok<PolicyView>, ValidationProblem>> (
            string productId, ProductPolicyOptions settings, ClaimsPrincipal user, RoutingPolicy policy, ProductPolicyBoard policies, TimeProvider clock,
            CancellationToken cancellationToken) =>
        {
            var problems = Check(productId, settings);
            if (problems.Problems.Count > 0)
            {
                return TypedResults.ValidationProblem(problems.ByField());
            }

            var stored = await policies.SetAsync(productId, settings, user.UserId(), clock.GetUtcNow().UtcDateTime, cancellationToken);
            return TypedResults.Ok(PolicyView.Of(productId, stored, policy));
        })
        .WithMetadata(new RequestSizeLimitAttribute(64 * 1024))
        .RequireAuthorization(HitlPolicies.Admin);

        // How much of the product's review budget the current hour and day have spent, and how many items it turned away.
        api.MapGet("/{productId}/budget", async (
            string productId, RoutingPolicy policy, ReviewBudgets budgets, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var product = policy.ProductFor(productId);
            var windows = await budgets.CurrentAsync(productId, product, clock.GetUtcNow().UtcDateTime, cancellationToken);
            return TypedResults.Ok(new BudgetView(
                productId,
                product?.ReviewBudgetPerHour,
                product?.ReviewBudgetPerDay,
                [.. windows.Select(w => new BudgetWindowView(w.Period, w.Start, w.End, w.Limit, w.Spent, w.Skipped))]));
        }).RequireAuthorization(HitlPolicies.Lead);

        // A candidate policy beside the live one: it decides every response too, but only its report sees it.
        api.MapPut("/{productId}/shadow", async Task<Results<Ok<ShadowView>, ValidationProblem>> (
            string productId, ProductPolicyOptions candidate, ProductPolicyBoard policies, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var problems = Check(productId, candidate);
            if (problems.Problems.Count > 0)
            {
                return TypedResults.ValidationProblem(problems.ByField());
            }

            var stored = await policies.StartShadowAsync(productId, candidate, clock.GetUtcNow().UtcDateTime, cancellationToken);
            return TypedResults.Ok(ShadowView.Of(stored, await policies.ReportAsync(stored.ShadowLabel, cancellationToken)));
        })
        .WithMetadata(new RequestSizeLimitAttribute(64 * 1024))
        .RequireAuthorization(HitlPolicies.Admin);

        api.MapGet("/{productId}/shadow", async Task<Results<Ok<ShadowView>, NotFound>> (
            string productId, ProductPolicyBoard policies, CancellationToken cancellationToken) =>
            await policies.ReadAsync(productId, cancellationToken) is { ShadowVersion: > 0 } stored
                ? TypedResults.Ok(ShadowView.Of(stored, await policies.ReportAsync(stored.ShadowLabel, cancellationToken)))
                : TypedResults.NotFound())
            .RequireAuthorization(HitlPolicies.Lead);

        api.MapDelete("/{productId}/shadow", async Task<Results<Ok<ShadowView>, NotFound>> (
            string productId, ProductPolicyBoard policies, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            await policies.StopShadowAsync(productId, clock.GetUtcNow().UtcDateTime, cancellationToken);
            return await policies.ReadAsync(productId, cancellationToken) is { ShadowVersion: > 0 } stored
                ? TypedResults.Ok(ShadowView.Of(stored, await policies.ReportAsync(stored.ShadowLabel, cancellationToken)))
                : TypedResults.NotFound();
        }).RequireAuthorization(HitlPolicies.Admin);
    }

    internal static FieldChecks Check(string productId, ProductPolicyOptions settings)
    {
        var checks = new FieldChecks().Id("productId", productId);
        if (settings.ConfidenceThreshold is { } threshold)
        {
            checks.Range("confidenceThreshold", threshold, 0, 1);
        }

        if (settings.AuditSampleRate is { } rate)
        {
            checks.Range("auditSampleRate", rate, 0, 1);
        }

        if (settings.ReviewBudgetPerHour is < 1 or > ProductPolicyOptions.MaxReviewBudget)
        {
            checks.Add("reviewBudgetPerHour", $"reviewBudgetPerHour must lie in 1..{ProductPolicyOptions.MaxReviewBudget} (was {settings.ReviewBudgetPerHour}); leave it out for no limit");
        }

        if (settings.ReviewBudgetPerDay is < 1 or > ProductPolicyOptions.MaxReviewBudget)
        {
            checks.Add("reviewBudgetPerDay", $"reviewBudgetPerDay must lie in 1..{ProductPolicyOptions.MaxReviewBudget} (was {settings.ReviewBudgetPerDay}); leave it out for no limit");
        }

        if (settings.AgreementReviews is < 1 or > 3)
        {
            checks.Add("agreementReviews", $"agreementReviews must lie in 1..3 (was {settings.AgreementReviews})");
        }

        return checks.Each("disabledTriggers", settings.DisabledTriggers, (c, field, code) =>
        {
            if (!TriggerCodes.All.Contains(code))
            {
                c.Add(field, $"{field} is not a trigger code; known: {string.Join(", ", TriggerCodes.All.Order(StringComparer.Ordinal))}");
            }
        });
    }
}

/// <summary>
/// A shadow policy and what it would have done: its review rate against the live one's, how often the two agreed,
/// and, over responses whose first review verdict is known, how often each was right (sending to review what the
/// reviewer corrected, approving what the reviewer left alone) and how many corrections the shadow would have missed.
/// </summary>
public sealed record ShadowView(
    string Version, bool Running, DateTime? Since, DateTime? Stopped, ProductPolicyOptions? Candidate, int Decisions, double LiveReviewRate, double ShadowReviewRate,
    double Agreement, int Verdicts, double? ShadowRightRate, double? LiveRightRate, int ShadowMissed)
{
    internal static ShadowView Of(ProductPolicy policy, ShadowTally? tally)
    {
        var t = tally ?? new ShadowTally { Id = policy.ShadowLabel, ProductId = policy.Id };
        double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
        return new ShadowView(
            policy.ShadowLabel,
            policy.ShadowRunning,
            policy.ShadowSince,
            policy.ShadowStoppedAt,
            policy.Shadow,
            t.Decisions,
            Share(t.LiveReviews, t.Decisions),
            Share(t.ShadowReviews, t.Decisions),
            Share(t.Agreed, t.Decisions),
            t.Verdicts,
            t.Verdicts == 0 ? null : Share(t.ShadowRight, t.Verdicts),
            t.Verdicts == 0 ? null : Share(t.LiveRight, t.Verdicts),
            t.ShadowMissed);
    }
}

/// <summary>A product's review budgets and the current windows' spend (hour first); no windows when it has none.</summary>
public sealed record BudgetView(string ProductId, int? PerHour, int? PerDay, IReadOnlyList<BudgetWindowView> Windows);

public sealed record BudgetWindowView(string Period, DateTime Start, DateTime End, int Limit, int Spent, int Skipped);

/// <summary>
/// A product's policy as it applies now: <paramref name="Source"/> says whether an admin set it ("stored") or it
/// comes from configuration; <paramref name="Version"/> is what decisions record.
/// </summary>
public sealed record PolicyView(
    string ProductId, string Source, string Version, ProductPolicyOptions Settings, string? UpdatedBy, DateTime? UpdatedAt, IReadOnlyList<ProductPolicyVersion> History)
{
    internal static PolicyView Of(string productId, ProductPolicy? stored, RoutingPolicy policy) =>
        stored is null
            ? new(productId, "configuration", policy.Version, policy.ProductFor(productId) ?? new ProductPolicyOptions(), null, null, [])
            : new(productId, "stored", stored.Label, stored.Settings, stored.UpdatedBy, stored.UpdatedAt, stored.History);
}
