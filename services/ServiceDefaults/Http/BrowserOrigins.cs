using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.ServiceDefaults.Http;

/// <summary>
/// The "Hitl:Cors" section: web pages served from another origin that may call this process's API from a browser.
/// In the embedded default the review pages and every API share one origin and this stays empty; where ReviewQueue is
/// served apart from Feedback and PatternLearner, those two list the origin the review pages are served from.
/// </summary>
public sealed class CorsOptions : IValidatableObject
{
    /// <summary>Origins as browsers send them: scheme, host and port, e.g. "https://review.example.com".</summary>
    public List<string> Origins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in Origins)
        {
            if (!IsOrigin(origin))
            {
                yield return new ValidationResult(
                    $"'{origin}' is not an origin: give the scheme, host and port only, e.g. https://review.example.com.", [nameof(Origins)]);
            }
        }
    }

    /// <summary>An absolute http(s) address with nothing after its port: what a browser sends as Origin.</summary>
    public static bool IsOrigin(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.GetLeftPart(UriPartial.Authority).Equals(value.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}

internal static class BrowserOrigins
{
    // Bearer tokens travel in a header, never in cookies: no credentials mode, and only the headers the pages send.
    private static readonly string[] Headers = ["Authorization", "Content-Type", "Accept"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];

    public static IServiceCollection AddBrowserOrigins(this IServiceCollection services, CorsOptions options)
    {
        if (options.Origins.Count > 0)
        {
            services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
                .WithOrigins([.. options.Origins.Select(o => o.TrimEnd('/'))])
                .WithHeaders(Headers)
                .WithMethods(Methods)
                .WithExposedHeaders("Retry-After", "Location")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        }

        return services;
    }

    /// <summary>Answers preflights before authentication, which a browser's preflight never carries.</summary>
    public static IApplicationBuilder UseBrowserOrigins(this IApplicationBuilder app, CorsOptions options) =>
        options.Origins.Count > 0 ? app.UseCors() : app;
}
