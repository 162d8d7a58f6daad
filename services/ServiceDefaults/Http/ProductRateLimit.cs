using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.ServiceDefaults.Http;

/// <summary>
/// The "Hitl:RateLimit" section: how fast each chat product (one API key or token subject) may call the endpoints made
/// for products: guidance, a response's review status and, on the embedded host, ingestion.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests a second each product may sustain; 0 turns the limit off.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1_000_000)]
    public int ProductRequestsPerSecond { get; set; } = 100;

    /// <summary>Requests a product may make at once above its rate, after a quiet spell.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int ProductBurst { get; set; } = 200;
}

public static class ProductRateLimit
{
    /// <summary>The policy product-facing endpoints name with <c>RequireRateLimiting</c>.</summary>
    public const string Policy = "product";

    /// <summary>
    /// A token bucket per caller: past it a request gets 429 problem details with Retry-After, before any work is done.
    /// </summary>
    internal static IServiceCollection AddProductRateLimit(this IServiceCollection services, RateLimitOptions options) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests",
                    detail: $"This product may make {options.ProductRequestsPerSecond} requests a second (bursts of {options.ProductBurst}); retry in {seconds} s.")
                    .ExecuteAsync(rejected.HttpContext);
            };
            limiter.AddPolicy(Policy, context => options.ProductRequestsPerSecond == 0
                ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetTokenBucketLimiter(CallerOf(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.ProductBurst,
                    TokensPerPeriod = options.ProductRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        });

    /// <summary>Partitioned by who calls, so one busy product cannot use up another's allowance.</summary>
    private static string CallerOf(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.User.FindFirstValue("sub") ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
}
