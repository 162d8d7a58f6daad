using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>What a token signed with this deployment's shared HMAC key carries and is checked against.</summary>
public sealed record TokenSigning(byte[] Key, string Issuer, string Audience, string RoleClaim)
{
    internal SymmetricSecurityKey SecurityKey => new(Key) { KeyId = KeyId(Key) };

    /// <summary>
    /// The shared key from <c>Hitl:Auth:SigningKey</c>, else the development issuer's (created on first use), else
    /// null: the deployment trusts an OIDC provider or API keys only.
    /// </summary>
    public static TokenSigning? From(HitlOptions options)
    {
        var auth = options.Auth;
        byte[]? key = null;
        if (auth.HasSigningKey)
        {
            key = AuthOptions.DecodeKey(auth.SigningKey!)
                ?? throw new InvalidOperationException($"{AuthOptions.Section}:SigningKey is not base64.");
        }
        else if (auth.DevelopmentIssuer)
        {
            key = DevelopmentSigningKey.LoadOrCreate(DevelopmentSigningKey.PathIn(options.Embedded.DataDirectory));
        }

        return key is null ? null : new TokenSigning(key, auth.SharedKeyIssuer, auth.Audience, auth.RoleClaim);
    }

    // Not secret: lets a log line or a token header say which key was used without revealing it.
    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..12];
}

/// <summary>The development issuer's key: random, made once, kept in the data directory beside the embedded store.</summary>
public static class DevelopmentSigningKey
{
    private const int KeyBytes = 32;

    public static string PathIn(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "auth", "signing-key");

    /// <summary>Reads the key at <paramref name="path"/>, or creates it there, readable by this user only.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            TryCreate(path);
        }

        var text = File.ReadAllText(path, Encoding.ASCII).Trim();
        return AuthOptions.DecodeKey(text) is { Length: >= AuthOptions.MinimumKeyBytes } key
            ? key
            : throw new InvalidOperationException(
                $"The development signing key {path} is damaged (not base64 of {AuthOptions.MinimumKeyBytes}+ bytes); delete it to make a new one, " +
                "which signs out every token minted so far.");
    }

    private static void TryCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Written aside and moved into place, so a reader never sees half a key and a second writer loses the race cleanly.
        var pending = $"{path}.{Guid.NewGuid():N}.tmp";
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var writer = new StreamWriter(pending, Encoding.ASCII, file))
            {
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes)));
            }

            File.Move(pending, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first; theirs is used.
        }
        finally
        {
            File.Delete(pending);
        }
    }
}
