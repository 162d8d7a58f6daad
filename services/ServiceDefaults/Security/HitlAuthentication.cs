using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace HitlLoop.ServiceDefaults.Security;

/// <summary>
/// Every service's authentication: JWT bearer tokens (from an OIDC provider or signed with a shared key) and API keys,
/// both as "Authorization: Bearer ...", told apart by shape; and the role policies endpoints require.
/// </summary>
public static class HitlAuthentication
{
    /// <summary>The default scheme: forwards to <see cref="JwtScheme"/> or <see cref="ApiKeyScheme"/>.</summary>
    public const string Scheme = "Hitl";
    public const string JwtScheme = JwtBearerDefaults.AuthenticationScheme;
    public const string ApiKeyScheme = "ApiKey";

    private const string BearerPrefix = "Bearer ";

    internal static void AddHitlAuthentication(this IHostApplicationBuilder builder, HitlOptions options)
    {
        var services = builder.Services;
        services.AddSingleton<ApiKeyRegistry>();
        services.AddSingleton<HitlTokenIssuer>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthProblemResultHandler>();

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "JWT or API key", scheme => scheme.ForwardDefaultSelector = context =>
                BearerValue(context.Request) is { } value && !LooksLikeJwt(value) ? ApiKeyScheme : JwtScheme)
            .AddJwtBearer(JwtScheme, _ => { })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null);
        services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<IOptions<HitlOptions>, HitlTokenIssuer>(ConfigureJwt);
        services.AddAuthorizationBuilder().AddHitlPolicies();

        if (options.Auth.DevelopmentIssuer)
        {
            services.AddHostedService<DevelopmentIssuerNotice>();
        }
    }

    /// <summary>Authentication and authorization for every request; the development token endpoint when that issuer is on.</summary>
    internal static void UseHitlAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        if (app.Services.GetRequiredService<IOptions<HitlOptions>>().Value.Auth.DevelopmentIssuer)
        {
            app.MapDevelopmentTokens();
        }
    }

    /// <summary>The value after "Bearer ", or null without one.</summary>
    internal static string? BearerValue(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && header[BearerPrefix.Length..].Trim() is { Length: > 0 } value
            ? value
            : null;
    }

    // A compact JWS is three base64url parts joined by dots; API keys are refused configuration if they look like one.
    private static bool LooksLikeJwt(string value) => value.Count(c => c == '.') == 2;

    private static void ConfigureJwt(JwtBearerOptions jwt, IOptions<HitlOptions> hitl, HitlTokenIssuer issuer)
    {
        var auth = hitl.Value.Auth;
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudience = auth.Audience,
            NameClaimType = "name",
            RoleClaimType = auth.RoleClaim,
        };

        var noIssuer = false;
        if (auth.Authority is not null)
        {
            jwt.Authority = auth.Authority.ToString();
            jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
            if (!string.IsNullOrWhiteSpace(auth.Issuer))
            {
                jwt.TokenValidationParameters.ValidIssuer = auth.Issuer;
            }
        }
        else if (issuer.Signing is { } signing)
        {
            jwt.TokenValidationParameters.ValidIssuer = signing.Issuer;
            jwt.TokenValidationParameters.IssuerSigningKey = signing.SecurityKey;

            // Only the algorithm the key is for: nothing else may be substituted in a token's header.
            jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            noIssuer = true;
        }

        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (noIssuer && context.Request.Headers.Authorization.Count > 0)
                {
                    context.Fail("This deployment accepts API keys only: no token issuer is configured.");
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (HitlClaims.Normalize(context.Principal!, auth.RoleClaim, JwtScheme) is { } identity)
                {
                    context.Principal = new ClaimsPrincipal(identity);
                }
                else
                {
                    context.Fail("The token has no sub claim, so it names no caller.");
                }

                return Task.CompletedTask;
            },
        };
    }
}
