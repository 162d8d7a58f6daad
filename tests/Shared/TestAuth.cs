using HitlLoop.ServiceDefaults.Security;

namespace HitlLoop.Testing;

/// <summary>The signing key every test host trusts, and tokens signed with it.</summary>
public static class TestAuth
{
    /// <summary>Base64 of 32 fixed bytes: Hitl:Auth:SigningKey for every host a test starts.</summary>
    public static string SigningKey { get; } = Convert.ToBase64String([.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3))]);

    public static TokenSigning Signing { get; } =
        new(Convert.FromBase64String(SigningKey), AuthOptions.DefaultIssuer, AuthOptions.DefaultAudience, "roles");

    /// <summary>A JWT for <paramref name="subject"/> holding <paramref name="roles"/>, valid for an hour.</summary>
    public static string Token(string subject, params string[] roles) =>
        HitlTokens.Mint(Signing, subject, null, roles, TimeSpan.FromHours(1), DateTimeOffset.UtcNow).Token;
}
