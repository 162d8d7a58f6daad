using Microsoft.AspNetCore.Authorization;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>
/// The named authorization policies endpoints require, each a set of roles of which the caller needs one.
/// An endpoint that names none still needs an authenticated caller (the fallback policy).
/// </summary>
public static class HitlPolicies
{
    /// <summary>The review queue itself.</summary>
    public const string Review = "hitl:review";

    /// <summary>Running the review team and the loop: queue health, routing policy and decisions, patterns, manual retrains.</summary>
    public const string Lead = "hitl:lead";

    /// <summary>Administration.</summary>
    public const string Admin = "hitl:admin";

    /// <summary>Where one response's review stands: reviewers, and the chat product holding the answer.</summary>
    public const string ReviewStatus = "hitl:review-status";

    /// <summary>What a chat product calls.</summary>
    public const string Product = "hitl:product";

    /// <summary>Training data: golden examples, dataset snapshots and downloads, retrain and model history.</summary>
    public const string Datasets = "hitl:datasets";

    /// <summary>The loop's health in numbers: review rate, correction rate, agreement, time to review.</summary>
    public const string Metrics = "hitl:metrics";

    /// <summary>Each policy and the roles that satisfy it; admin satisfies every one.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Roles { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [Review] = [HitlRoles.Reviewer, HitlRoles.Lead, HitlRoles.Admin],
        [ReviewStatus] = [HitlRoles.Reviewer, HitlRoles.Lead, HitlRoles.Product, HitlRoles.Admin],
        [Lead] = [HitlRoles.Lead, HitlRoles.Admin],
        [Admin] = [HitlRoles.Admin],
        [Product] = [HitlRoles.Product, HitlRoles.Admin],
        [Datasets] = [HitlRoles.Ml, HitlRoles.Lead, HitlRoles.Admin],
        [Metrics] = [HitlRoles.Lead, HitlRoles.Ml, HitlRoles.Admin],
    };

    internal static AuthorizationBuilder AddHitlPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (name, roles) in Roles)
        {
            authorization.AddPolicy(name, policy => policy.RequireAuthenticatedUser().RequireRole(roles));
        }

        // An endpoint someone forgets to give a policy is still closed to anonymous callers.
        return authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }
}
