using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HitlLoop.ServiceDefaults.Security;

internal static class DevelopmentTokenApi
{
    /// <summary>Lets an admin mint a token for a named reviewer without the command line; only with the development issuer.</summary>
    public static void MapDevelopmentTokens(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/auth/tokens", Results<Ok<IssuedToken>, ValidationProblem> (TokenRequest request, HitlTokenIssuer issuer) =>
        {
            var errors = request.Validate();
            return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(issuer.Issue(request));
        })
        .RequireAuthorization(HitlPolicies.Admin)
        .WithTags("Auth");
}

/// <summary>Makes the development key on start-up (not on the first request) and says where it is and how to use it.</summary>
internal sealed class DevelopmentIssuerNotice(HitlTokenIssuer issuer, IOptions<HitlOptions> options, ILogger<DevelopmentIssuerNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var hitl = options.Value;
        _ = issuer.Signing;
        if (hitl.SharesInfrastructure)
        {
            logger.LogWarning(
                "UNSAFE: the development issuer is on with Hitl:Transport={Transport} and Hitl:Store={Store}. Anyone who can read its key can mint " +
                "admin tokens, and other replicas cannot validate its tokens. Use Hitl:Auth:Authority or a shared Hitl:Auth:SigningKey.",
                hitl.Transport,
                hitl.Store);
        }

        logger.LogInformation(
            "Development issuer on: tokens are signed with {Key}. Mint one with: dotnet run --project services/Embedded -- token --sub alice --name Alice --role reviewer",
            hitl.Auth.HasSigningKey ? "Hitl:Auth:SigningKey" : DevelopmentSigningKey.PathIn(hitl.Embedded.DataDirectory));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
