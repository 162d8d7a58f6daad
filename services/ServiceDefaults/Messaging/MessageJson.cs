using System.Text.Json;
using System.Text.Json.Serialization;

namespace HitlLoop.ServiceDefaults;

/// <summary>The JSON shape of every event on the wire and in outboxes: camelCase names, enums as camelCase strings.</summary>
public static class MessageJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;

        // MassTransit indents by default: a review request is 1,629 bytes indented and 1,324 without, and no one reads the wire.
        options.WriteIndented = false;
        if (!options.Converters.Any(c => c is JsonStringEnumConverter))
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        }

        return options;
    }
}
