using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace HitlLoop.ReviewQueue.Frontend;

/// <summary>
/// Serves the reviewer page from resources compiled into this assembly. Services only get an endpoint
/// builder (the embedded host shares one pipeline between five services), so static-file middleware is
/// not an option; and the page has to travel with the service into every host without a wwwroot to copy.
/// </summary>
public static class ReviewFrontend
{
    public const string BasePath = "/review/";

    private const string ResourcePrefix = "frontend/";

    // The pages load nothing from elsewhere and talk only to the HitlLoop APIs, so anything injected into them cannot
    // load or post anywhere else either.
    private static string ContentSecurityPolicy(IEnumerable<Uri> apis) =>
        $"default-src 'none'; script-src 'self'; style-src 'self'; connect-src {string.Join(' ', apis.Select(u => u.GetLeftPart(UriPartial.Authority)).Prepend("'self'").Distinct())}; " +
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Generated from <see cref="FrontendOptions"/>: where the pages find Feedback's and PatternLearner's APIs.</summary>
    public const string ConfigFile = "config.json";

    private static readonly FrozenDictionary<string, string> _contentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".json"] = "application/json; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IEndpointRouteBuilder MapReviewFrontend(this IEndpointRouteBuilder endpoints)
    {
        // Read when the endpoints are mapped, so a build that lost its resources fails at start-up, not on first visit.
        var frontend = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReviewQueueOptions>>().Value.Frontend;
        var assets = LoadAssets(frontend);
        var policy = ContentSecurityPolicy(new[] { frontend.FeedbackUrl, frontend.PatternLearnerUrl }.OfType<Uri>());
        var page = endpoints.MapGroup("").ExcludeFromDescription().AllowAnonymous();

        page.MapGet("/", (HttpRequest request) => TypedResults.Redirect($"{request.PathBase}{BasePath}"));

        // Routing treats "/review" and "/review/" alike, but the page's relative asset links only resolve
        // under the trailing slash, so the bare form is redirected.
        page.MapGet("/review", IResult (HttpContext context) =>
            context.Request.Path.Value?.EndsWith('/') == true
                ? Serve(assets, policy, context, "index.html")
                : TypedResults.Redirect($"{context.Request.PathBase}{BasePath}"));

        page.MapGet("/review/{file}", Results<FileContentHttpResult, NotFound> (string file, HttpContext context) => Serve(assets, policy, context, file));

        return endpoints;
    }

    private static Results<FileContentHttpResult, NotFound> Serve(FrozenDictionary<string, Asset> assets, string policy, HttpContext context, string file)
    {
        if (!assets.TryGetValue(file, out var asset))
        {
            return TypedResults.NotFound();
        }

        // no-cache still lets the browser keep a copy; the ETag makes each revalidation a 304 instead of a download,
        // and a redeployed service is picked up on the next load.
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = policy;
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }

    private static FrozenDictionary<string, Asset> LoadAssets(FrontendOptions frontend)
    {
        var assembly = typeof(ReviewFrontend).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            // RecursiveDir carries the build machine's separator into the logical name.
            var name = resource.Replace('\\', '/');
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal) ||
                !_contentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }

            assets[name[ResourcePrefix.Length..]] = Asset.Of(Read(assembly, resource), contentType);
        }

        // Null where an API shares the pages' origin: the pages then call it there.
        assets[ConfigFile] = Asset.Of(
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { feedbackUrl = frontend.FeedbackUrl, patternLearnerUrl = frontend.PatternLearnerUrl }),
            _contentTypes[".json"]);

        if (!assets.ContainsKey("index.html"))
        {
            throw new InvalidOperationException(
                $"The review frontend is missing from {assembly.GetName().Name}: no embedded resource {ResourcePrefix}index.html.");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} disappeared.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private sealed record Asset(byte[] Content, string ContentType, EntityTagHeaderValue ETag)
    {
        public static Asset Of(byte[] content, string contentType) =>
            new(content, contentType, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\""));
    }
}
