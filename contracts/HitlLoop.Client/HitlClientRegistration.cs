using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace HitlLoop.Client;

public static class HitlClientRegistration
{
    /// <summary>The JSON shape HitlLoop's HTTP APIs speak: camelCase, enums as camelCase strings.</summary>
    public static RefitSettings Settings { get; } = new()
    {
        ContentSerializer = new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        }),
    };

    /// <summary>
    /// Registers <see cref="IGuidanceClient"/> for PatternLearner at <paramref name="baseAddress"/>, with retries,
    /// a circuit breaker and timeouts: guidance improves a prompt, so a caller should also cope without it.
    /// </summary>
    /// <param name="apiKey">The product's API key (role product), sent as "Authorization: Bearer"; PatternLearner refuses callers without one.</param>
    public static IHttpClientBuilder AddHitlGuidanceClient(this IServiceCollection services, Uri baseAddress, string? apiKey = null)
    {
        var client = services.AddRefitGeneratedClient<IGuidanceClient>(Settings)
            .ConfigureHttpClient(http =>
            {
                http.BaseAddress = baseAddress;
                if (!string.IsNullOrEmpty(apiKey))
                {
                    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                }
            });
        client.AddStandardResilienceHandler();
        return client;
    }

    /// <summary>A client over an existing <see cref="HttpClient"/> (its BaseAddress set), without DI.</summary>
    public static IGuidanceClient CreateGuidanceClient(HttpClient http) => RestService.ForGenerated<IGuidanceClient>(http, Settings);
}
