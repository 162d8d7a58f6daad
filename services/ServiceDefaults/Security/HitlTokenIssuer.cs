using Microsoft.Extensions.Options;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>The deployment's shared signing key, when it has one, and tokens minted with it.</summary>
public sealed class HitlTokenIssuer(IOptions<HitlOptions> options, TimeProvider clock)
{
    private readonly Lazy<TokenSigning?> _signing = new(() => TokenSigning.From(options.Value));

    /// <summary>Null when tokens come from an OIDC provider, or when only API keys are configured.</summary>
    public TokenSigning? Signing => _signing.Value;

    public IssuedToken Issue(TokenRequest request)
    {
        var signing = Signing ?? throw new InvalidOperationException("This deployment has no signing key to mint tokens with.");
        return HitlTokens.Mint(signing, request.Subject!, request.Name, request.Roles ?? [], request.Lifetime, clock.GetUtcNow());
    }
}

/// <summary>A token for a named caller with roles: the body of POST /api/auth/tokens, and what the token command parses.</summary>
public sealed record TokenRequest
{
    public const double DefaultHours = 12;

    public string? Subject { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<string>? Roles { get; init; } = [];

    /// <summary>Lifetime in hours, 12 by default, at most 720 (30 days).</summary>
    public double? Hours { get; init; }

    internal TimeSpan Lifetime => TimeSpan.FromHours(Hours ?? DefaultHours);

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Subject))
        {
            errors["subject"] = ["subject is required: it becomes the token's sub, the caller's id."];
        }

        if (Roles is not { Count: > 0 } roles || roles.Any(r => !HitlRoles.IsKnown(r)))
        {
            errors["roles"] = [$"roles needs at least one role, each one of {string.Join(", ", HitlRoles.All)}."];
        }

        if (Hours is { } hours && (double.IsNaN(hours) || hours <= 0 || hours > HitlTokens.MaxLifetime.TotalHours))
        {
            errors["hours"] = [$"hours must lie in (0, {HitlTokens.MaxLifetime.TotalHours}]."];
        }

        return errors;
    }
}
