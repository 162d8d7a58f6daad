using System.Globalization;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Security;

namespace HitlLoop.Embedded;

/// <summary>
/// <c>token --sub alice --name "Alice" --role reviewer [--role lead] [--hours 12]</c>: prints a JWT signed with the key
/// this host validates (Hitl:Auth:SigningKey, else the development issuer's) and exits without starting the host.
/// </summary>
public static class TokenCommand
{
    public const string Name = "token";

    private static readonly string Usage =
        $"usage: dotnet run --project services/Embedded -- {Name} --sub <id> [--name <display name>] --role <role> [--role <role> ...] [--hours <1..720>]\n" +
        $"roles: {string.Join(", ", HitlRoles.All)}; default lifetime {TokenRequest.DefaultHours} hours.";

    public static bool IsInvoked(string[] args) => args.Length > 0 && args[0] == Name;

    /// <returns>The process exit code: 0 with the token on <paramref name="output"/>, 2 for bad arguments, 1 without a key.</returns>
    public static int Run(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        if (Parse(args.Skip(1).ToList(), error) is not { } request)
        {
            error.WriteLine(Usage);
            return 2;
        }

        if (request.Validate() is { Count: > 0 } problems)
        {
            foreach (var message in problems.Values.SelectMany(m => m))
            {
                error.WriteLine(message);
            }

            error.WriteLine(Usage);
            return 2;
        }

        TokenSigning? signing;
        try
        {
            signing = TokenSigning.From(configuration.GetSection(HitlOptions.Section).Get<HitlOptions>() ?? new HitlOptions());
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }

        if (signing is null)
        {
            error.WriteLine("No key to sign with: turn on Hitl:Auth:DevelopmentIssuer or set Hitl:Auth:SigningKey (e.g. Hitl__Auth__SigningKey=... in the environment).");
            return 1;
        }

        output.WriteLine(HitlTokens.Mint(signing, request.Subject!, request.Name, request.Roles ?? [], TimeSpan.FromHours(request.Hours ?? TokenRequest.DefaultHours), DateTimeOffset.UtcNow).Token);
        return 0;
    }

    private static TokenRequest? Parse(List<string> args, TextWriter error)
    {
        string? subject = null, name = null;
        double? hours = null;
        var roles = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            if (option is "-h" or "--help")
            {
                return null;
            }

            if (i + 1 >= args.Count)
            {
                error.WriteLine($"{option} needs a value.");
                return null;
            }

            var value = args[++i];
            switch (option)
            {
                case "--sub":
                    subject = value;
                    break;
                case "--name":
                    name = value;
                    break;
                case "--role":
                    roles.Add(value);
                    break;
                case "--hours" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                    hours = parsed;
                    break;
                case "--hours":
                    error.WriteLine($"--hours takes a number, not '{value}'.");
                    return null;
                default:
                    error.WriteLine($"Unknown option {option}.");
                    return null;
            }
        }

        return new TokenRequest { Subject = subject, Name = name, Roles = roles, Hours = hours };
    }
}
