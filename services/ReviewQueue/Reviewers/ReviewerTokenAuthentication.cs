using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace HitlLoop.ReviewQueue.Reviewers;

/// <summary>
/// "Authorization: Bearer &lt;token&gt;" resolved against the configured reviewers. The reviewer's identity
/// comes from here and nowhere else: request bodies never name the reviewer.
/// </summary>
internal sealed class ReviewerTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ReviewQueueOptions> options)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ReviewerToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        var reviewer = options.Value.Reviewers.FirstOrDefault(r =>
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(r.Token), presented));
        if (reviewer is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown reviewer token."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, reviewer.Id), new Claim(ClaimTypes.Name, reviewer.Name ?? reviewer.Id)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

internal static class ReviewerClaims
{
    public static string ReviewerId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not authenticated.");

    /// <summary>Leads (and admins) see every reviewer's claim and answer; reviewers see only their own until all are in.</summary>
    public static bool IsLead(this ClaimsPrincipal user) => user.IsInRole("lead") || user.IsInRole("admin");
}
