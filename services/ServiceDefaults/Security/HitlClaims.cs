using System.Security.Claims;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>Who the caller is, read from the validated token or API key only: never from a request body.</summary>
public static class HitlClaims
{
    /// <summary>The caller's id: the token's sub claim, or the API key's Id.</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub")
        ?? throw new InvalidOperationException("The request is not authenticated.");

    /// <summary>The caller's display name, or the id when the token names none.</summary>
    public static string UserName(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.Name) is { Length: > 0 } name ? name : user.UserId();

    /// <summary>The HitlLoop roles the caller holds, in <see cref="HitlRoles.All"/> order.</summary>
    public static IReadOnlyList<string> Roles(this ClaimsPrincipal user) => [.. HitlRoles.All.Where(user.IsInRole)];

    /// <summary>
    /// One identity shape whatever issued the token: NameIdentifier from sub, Name from name (or preferred_username),
    /// roles from the configured claim, "roles", "role" and the standard role claim type, lower-cased.
    /// </summary>
    internal static ClaimsIdentity? Normalize(ClaimsPrincipal token, string roleClaim, string authenticationType)
    {
        var subject = token.FindFirstValue("sub") ?? token.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrWhiteSpace(subject))
        {
            return null;
        }

        var name = token.FindFirstValue("name") ?? token.FindFirstValue("preferred_username") ?? token.FindFirstValue(ClaimTypes.Name);
        string[] roleTypes = [roleClaim, "roles", "role", ClaimTypes.Role];
        var roles = token.Claims
            .Where(c => roleTypes.Contains(c.Type, StringComparer.Ordinal))
            .Select(c => c.Value.Trim().ToLowerInvariant())
            .Where(r => r.Length > 0)
            .Distinct(StringComparer.Ordinal);

        return Identity(subject, name, roles, authenticationType, token.Claims.Where(c => c.Type is not (ClaimTypes.NameIdentifier or ClaimTypes.Name or ClaimTypes.Role)));
    }

    internal static ClaimsIdentity Identity(string id, string? name, IEnumerable<string> roles, string authenticationType, IEnumerable<Claim>? others = null)
    {
        var identity = new ClaimsIdentity(others ?? [], authenticationType, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, id));
        identity.AddClaim(new Claim(ClaimTypes.Name, string.IsNullOrWhiteSpace(name) ? id : name));
        identity.AddClaims(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return identity;
    }
}
