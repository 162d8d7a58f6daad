using System.Security.Claims;
using HitlLoop.ServiceDefaults.Security;

namespace HitlLoop.ReviewQueue.Reviewers;

internal static class ReviewerClaims
{
    /// <summary>The reviewer is whoever the token or API key belongs to; request bodies never name one.</summary>
    public static string ReviewerId(this ClaimsPrincipal user) => user.UserId();
}
