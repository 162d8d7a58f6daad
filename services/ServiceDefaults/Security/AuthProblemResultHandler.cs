using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>
/// A refused request gets a problem details body saying why: no credentials, credentials not accepted (and which
/// check failed), or a caller without the role the endpoint needs. The schemes still set the status and WWW-Authenticate.
/// </summary>
internal sealed class AuthProblemResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            await ForEachScheme(policy, scheme => context.ChallengeAsync(scheme));
            await WriteAsync(context, StatusCodes.Status401Unauthorized, "Authentication required", await UnauthenticatedDetailAsync(context));
        }
        else if (authorizeResult.Forbidden)
        {
            await ForEachScheme(policy, scheme => context.ForbidAsync(scheme));
            await WriteAsync(context, StatusCodes.Status403Forbidden, "Not allowed", ForbiddenDetail(context, authorizeResult));
        }
        else
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }

    private static async Task ForEachScheme(AuthorizationPolicy policy, Func<string?, Task> act)
    {
        if (policy.AuthenticationSchemes.Count == 0)
        {
            await act(null);
            return;
        }

        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await act(scheme);
        }
    }

    private async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static async Task<string> UnauthenticatedDetailAsync(HttpContext context)
    {
        // The handlers keep their result for the request, so this reads what the middleware already found.
        var failure = (await context.AuthenticateAsync()).Failure;
        if (failure is null)
        {
            return "Send 'Authorization: Bearer <token>' with a JWT from your identity provider or an API key.";
        }

        var reason = failure switch
        {
            SecurityTokenExpiredException => "the token has expired",
            SecurityTokenNotYetValidException => "the token is not valid yet",
            SecurityTokenInvalidAudienceException => "the token was issued for another audience",
            SecurityTokenInvalidIssuerException => "the token's issuer is not trusted here",
            SecurityTokenInvalidAlgorithmException => "the token is signed with an algorithm this deployment does not accept",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not verify",
            _ when failure.Message == ApiKeyAuthenticationHandler.UnknownKey => "it is not a known API key",
            AuthenticationFailureException => failure.Message.TrimEnd('.'),
            _ => "the token is not valid",
        };
        return $"The bearer credentials were not accepted: {reason}.";
    }

    private static string ForbiddenDetail(HttpContext context, PolicyAuthorizationResult result)
    {
        var needed = result.AuthorizationFailure?.FailedRequirements
            .OfType<RolesAuthorizationRequirement>()
            .SelectMany(r => r.AllowedRoles)
            .Distinct()
            .ToList() ?? [];
        var held = context.User.Roles();
        var holds = held.Count == 0 ? "no HitlLoop role" : $"the role{(held.Count == 1 ? "" : "s")} {string.Join(", ", held)}";
        return needed.Count == 0
            ? $"{context.User.UserId()} may not do this."
            : $"This needs one of the roles {string.Join(", ", needed)}; {context.User.UserId()} holds {holds}.";
    }
}
