using System.Text.Json;
using System.Text.Json.Nodes;

namespace HitlLoop.IntegrationTests.Support;

internal static class Json
{
    public static string ResponseScored(string id, double confidence, string product = "support-bot") => new JsonObject
    {
        ["responseId"] = id,
        ["conversationId"] = "conv-" + id,
        ["productId"] = product,
        ["query"] = "Can I get a refund after 30 days?",
        ["response"] = "Refunds are possible within 30 days of purchase only.",
        ["confidence"] = confidence,
        ["sentiment"] = 0.1,
        ["context"] = new JsonObject { ["category"] = "billing" },
        ["scoredAt"] = DateTimeOffset.UtcNow.ToString("O"),
    }.ToJsonString();

    public static string ExamplePath(string eventName) => Repository.PathOf("contracts", "examples", $"{eventName}.json");

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The corrected text of each golden example Feedback holds (its latest 500).</summary>
    public static async Task<List<string>> GoldenCorrectionsAsync(HttpClient ml) =>
        [.. (await GetAsync(ml, "api/feedback/golden?limit=500")).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("humanOutput").GetString()!)];
}
