using System.ComponentModel.DataAnnotations;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>
/// The "Hitl:Auth" section: whose tokens every service trusts (an OIDC provider, or a shared HMAC key), and the
/// API keys of machine callers.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Hitl:Auth";
    public const string DefaultAudience = "hitl-loop";
    public const string DefaultIssuer = "hitl-loop";
    public const int MinimumKeyBytes = 32;

    /// <summary>An OIDC provider; its discovery document names the issuer and the signing keys.</summary>
    public Uri? Authority { get; set; }

    /// <summary>Refuse an Authority whose metadata is not served over https.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The issuer tokens must name; by default the Authority's, or <see cref="DefaultIssuer"/> with a shared key.</summary>
    public string? Issuer { get; set; }

    [Required]
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>The claim holding the caller's roles; "role" and the standard role claim type are read as well.</summary>
    [Required]
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Base64 of an HMAC-SHA256 key of at least 32 bytes, shared by every service and whoever mints tokens.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Mint and trust tokens signed with a key kept in the data directory (created on first start). For the embedded
    /// host on one machine; refused with MongoDB or RabbitMQ unless <see cref="AllowUnsafeDevelopmentIssuer"/>.
    /// </summary>
    public bool DevelopmentIssuer { get; set; }

    /// <summary>Allow <see cref="DevelopmentIssuer"/> on shared infrastructure anyway (it logs a warning).</summary>
    public bool AllowUnsafeDevelopmentIssuer { get; set; }

    /// <summary>Machine callers (chat products, the ML team, demo users), each with its roles.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    internal bool HasSigningKey => !string.IsNullOrWhiteSpace(SigningKey);

    /// <summary>Tokens are signed with a shared HMAC key: configured, or the development issuer's.</summary>
    internal bool UsesSharedKey => HasSigningKey || DevelopmentIssuer;

    internal string SharedKeyIssuer => string.IsNullOrWhiteSpace(Issuer) ? DefaultIssuer : Issuer;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HasSigningKey && DecodeKey(SigningKey!) is not { Length: >= MinimumKeyBytes })
        {
            yield return new ValidationResult(
                $"must be base64 of an HMAC-SHA256 key of at least {MinimumKeyBytes} bytes (e.g. the output of `openssl rand -base64 32`).",
                [nameof(SigningKey)]);
        }

        if (Authority is not null)
        {
            if (UsesSharedKey)
            {
                yield return new ValidationResult(
                    "set either Authority (an OIDC provider) or SigningKey / DevelopmentIssuer (a shared key), not both.",
                    [nameof(Authority)]);
            }

            if (!Authority.IsAbsoluteUri || Authority.Scheme is not ("https" or "http"))
            {
                yield return new ValidationResult("must be an absolute https URL.", [nameof(Authority)]);
            }
            else if (RequireHttpsMetadata && Authority.Scheme != "https")
            {
                yield return new ValidationResult(
                    "must be https; for a provider on this machine set Hitl:Auth:RequireHttpsMetadata to false.", [nameof(Authority)]);
            }
        }

        if (Authority is null && !UsesSharedKey && ApiKeys.Count == 0)
        {
            yield return new ValidationResult(
                "nothing can authenticate a caller: set Hitl:Auth:Authority, Hitl:Auth:SigningKey or Hitl:Auth:ApiKeys (see the README's Authentication section).");
        }

        var hashes = ApiKeys.Select((key, index) => (index, hash: key.Sha256())).Where(k => k.hash is not null);
        foreach (var shared in hashes.GroupBy(k => Convert.ToHexString(k.hash!)).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult(
                $"entries {string.Join(", ", shared.Select(k => k.index))} hold the same key; each caller needs its own.", [nameof(ApiKeys)]);
        }
    }

    internal static byte[]? DecodeKey(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) ? buffer[..written] : null;
    }
}

/// <summary>One machine caller. Several entries may share an Id, which lets a key be rotated without downtime.</summary>
public sealed class ApiKeyOptions : IValidatableObject
{
    /// <summary>Who the caller is: becomes the caller's user id, as a token's sub claim would.</summary>
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    /// <summary>The key itself. Prefer <see cref="KeySha256"/>, which keeps the secret out of the configuration.</summary>
    public string? Key { get; set; }

    /// <summary>Hex SHA-256 of the key's UTF-8 bytes.</summary>
    public string? KeySha256 { get; set; }

    public List<string> Roles { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Id))
        {
            yield return new ValidationResult("is required.", [nameof(Id)]);
        }

        var hasKey = !string.IsNullOrEmpty(Key);
        var hasHash = !string.IsNullOrEmpty(KeySha256);
        if (hasKey == hasHash)
        {
            yield return new ValidationResult("set exactly one of Key and KeySha256.", [nameof(Key)]);
        }
        else if (hasKey && Key is { } key && (key.Any(char.IsWhiteSpace) || key.Count(c => c == '.') == 2))
        {
            // A bearer value with two dots is read as a JWT, so such a key could never be presented.
            yield return new ValidationResult("must not contain whitespace or exactly two dots (that is read as a JWT).", [nameof(Key)]);
        }
        else if (hasHash && (KeySha256!.Length != 64 || !KeySha256.All(Uri.IsHexDigit)))
        {
            yield return new ValidationResult("must be 64 hex digits: the SHA-256 of the key.", [nameof(KeySha256)]);
        }

        if (Roles.Count == 0)
        {
            yield return new ValidationResult($"needs at least one of {string.Join(", ", HitlRoles.All)}.", [nameof(Roles)]);
        }

        foreach (var unknown in Roles.Where(r => !HitlRoles.IsKnown(r)))
        {
            yield return new ValidationResult($"'{unknown}' is not a role; the roles are {string.Join(", ", HitlRoles.All)}.", [nameof(Roles)]);
        }
    }

    /// <summary>The SHA-256 callers are matched against, or null while the entry is invalid.</summary>
    internal byte[]? Sha256()
    {
        if (!string.IsNullOrEmpty(Key))
        {
            return System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Key));
        }

        return KeySha256 is { Length: 64 } hex && hex.All(Uri.IsHexDigit) ? Convert.FromHexString(hex) : null;
    }
}
