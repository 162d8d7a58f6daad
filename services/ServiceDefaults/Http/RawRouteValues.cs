using HitlLoop.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace HitlLoop.ServiceDefaults.Http;

/// <summary>
/// Route values exactly as the client sent them. The server leaves "%2F" encoded in the path (so an id holding a
/// "/" still matches one segment) but decodes "%25", so a route value can no longer tell "a%2Fb" from "a/b".
/// Decoding the segment of the raw request target once gives the id back, whatever it contains.
/// </summary>
public static class RawRouteValues
{
    /// <summary>
    /// Before an endpoint runs, replaces each route value that fills a whole path segment with that segment as the
    /// client sent it, decoded once, so every handler of every service receives ids exactly. An id longer than any the
    /// services accept (<see cref="ContractLimits.IdLength"/>) is answered 400 naming the parameter: nothing holds it.
    /// </summary>
    public static IApplicationBuilder UseRawRouteValues(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is RouteEndpoint endpoint)
            {
                foreach (var segment in endpoint.RoutePattern.PathSegments)
                {
                    if (segment.Parts is [Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { IsCatchAll: false } part] &&
                        context.Request.RouteValues.TryGetValue(part.Name, out var value) && value is string routed)
                    {
                        var id = context.Decoded(part.Name, routed);
                        if (id.Length > ContractLimits.IdLength)
                        {
                            await TooLong(context, part.Name, id.Length);
                            return;
                        }

                        context.Request.RouteValues[part.Name] = id;
                    }
                }
            }

            await next(context);
        });

    private static Task TooLong(HttpContext context, string parameter, int length)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return Results.ValidationProblem(
            new Dictionary<string, string[]> { [parameter] = [$"{parameter} holds {length} characters, more than {ContractLimits.IdLength}"] },
            title: "The id is too long").ExecuteAsync(context);
    }

    public static string Decoded(this HttpContext context, string parameter, string routeValue)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            // No raw target (an in-process test server): the path kept only "%2F" encoded.
            return routeValue.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }

        var index = endpoint.RoutePattern.PathSegments.ToList().FindIndex(segment =>
            segment.Parts is [Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart part] && part.Name == parameter);
        if (index < 0)
        {
            return routeValue;
        }

        var path = raw.Split('?', 2)[0];
        if (Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
        {
            path = absolute.AbsolutePath;
        }

        var baseSegments = context.Request.PathBase.HasValue ? context.Request.PathBase.Value!.Trim('/').Split('/').Length : 0;
        var segments = path.TrimStart('/').Split('/');
        return baseSegments + index < segments.Length ? Uri.UnescapeDataString(segments[baseSegments + index]) : routeValue;
    }
}
