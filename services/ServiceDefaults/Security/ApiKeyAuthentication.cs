using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>"Authorization: Bearer &lt;key&gt;" for machine callers, matched against <c>Hitl:Auth:ApiKeys</c>.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string UnknownKey = "Unknown API key.";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (HitlAuthentication.BearerValue(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(presented) is not { } caller)
        {
            return Task.FromResult(AuthenticateResult.Fail(UnknownKey));
        }

        var identity = HitlClaims.Identity(caller.Id, caller.Name, caller.Roles, Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await base.HandleChallengeAsync(properties);
        var failed = (await HandleAuthenticateOnceSafeAsync()).Failure is not null;
        Response.Headers.WWWAuthenticate = failed ? "Bearer error=\"invalid_token\", error_description=\"Unknown API key\"" : "Bearer";
    }
}

/// <summary>The configured API keys by SHA-256; a presented key is compared with every one in fixed time.</summary>
internal sealed class ApiKeyRegistry(IOptions<HitlOptions> options)
{
    private readonly Lazy<IReadOnlyList<(byte[] Hash, ApiKeyOptions Caller)>> _keys = new(() =>
        [.. options.Value.Auth.ApiKeys.Select(k => (k.Sha256()!, k)).Where(k => k.Item1 is not null)]);

    public ApiKeyOptions? Find(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKeyOptions? found = null;

        // No early exit: how long this takes says nothing about which key, if any, matched.
        foreach (var (known, caller) in _keys.Value)
        {
            if (CryptographicOperations.FixedTimeEquals(known, hash))
            {
                found ??= caller;
            }
        }

        return found;
    }
}
