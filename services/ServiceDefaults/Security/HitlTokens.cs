using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HitlLoop.ServiceDefaults.Security;

public sealed record IssuedToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Mints JWTs with the deployment's shared key: the development issuer, the <c>token</c> command, tests.</summary>
public static class HitlTokens
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    public static IssuedToken Mint(TokenSigning signing, string subject, string? name, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"A token lives longer than nothing and at most {MaxLifetime.TotalDays} days.");
        }

        var expires = now + lifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Name] = string.IsNullOrWhiteSpace(name) ? subject : name,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [signing.RoleClaim] = roles.Distinct(StringComparer.Ordinal).ToArray(),
        };
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = signing.Issuer,
            Audience = signing.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(signing.SecurityKey, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, expires);
    }
}
