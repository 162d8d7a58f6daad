using System.Security.Claims;
using HitlLoop.ServiceDefaults.Security;

namespace HitlLoop.ReviewQueue.Reviewers;

internal static class ReviewerClaims
{
    /// <summary>The reviewer is whoever the token belongs to, never a field of the request.</summary>
    public static string ReviewerId(this ClaimsPrincipal user) => user.UserId();

    /// <summary>Leads (and admins) see every reviewer's claim and answer; reviewers see only their own until all are in.</summary>
    public static bool IsLead(this ClaimsPrincipal user) => user.IsInRole(HitlRoles.Lead) || user.IsInRole(HitlRoles.Admin);
}
