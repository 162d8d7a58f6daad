using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using HitlLoop.TrainingOrchestrator.Storage;

namespace HitlLoop.TrainingOrchestrator.Datasets;

/// <summary>One example rendered in every format a snapshot serves, each a single line of JSON.</summary>
public sealed record DatasetLine
{
    public required string ExampleId { get; init; }
    public DatasetSplit Split { get; init; }

    /// <summary>Chat-format supervised fine-tuning line: context turns, the query, the human answer.</summary>
    public required string Sft { get; init; }

    /// <summary>Preference (DPO) line, chosen = the human answer, rejected = the bot's; null when they are the same.</summary>
    public string? Preference { get; init; }
}

/// <summary>
/// Renders training lines. The bytes feed the snapshot's content hash, so the JSON options are fixed here
/// and never taken from the host: property order is declaration order, no indentation, UTF-8 text kept readable.
/// </summary>
public static class DatasetLines
{
    /// <summary>The conversation history a training example keeps: its last ten turns.</summary>
    public const int MaxContextTurns = 10;

    public const string UserRole = "user";
    public const string AssistantRole = "assistant";
    public const string SystemRole = "system";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,

        // Served as application/jsonl and fed to tokenizers, never embedded in HTML: keep non-ASCII text as is.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static DatasetLine Render(TrainingExample example)
    {
        var prompt = Prompt(example);
        var metadata = new Metadata(example.Id, example.ProductId, example.Categories, example.Split.Name());
        var answer = new Message(AssistantRole, example.CorrectedText);

        return new DatasetLine
        {
            ExampleId = example.Id,
            Split = example.Split,
            Sft = JsonSerializer.Serialize(new SftLine([.. prompt, answer], metadata), Json),
            Preference = example.IsPreferencePair
                ? JsonSerializer.Serialize(new PreferenceLine(prompt, [answer], [new Message(AssistantRole, example.OriginalText)], metadata), Json)
                : null,
        };
    }

    /// <summary>A correction is a preference pair when the bot said something and the human changed it.</summary>
    public static bool IsPreferencePair(string originalText, string correctedText) =>
        !string.IsNullOrWhiteSpace(originalText) && !string.Equals(originalText.Trim(), correctedText.Trim(), StringComparison.Ordinal);

    private static List<Message> Prompt(TrainingExample example) =>
    [
        .. example.RecentTurns.TakeLast(MaxContextTurns).Select(turn => new Message(turn.Role, turn.Text)),
        new Message(UserRole, example.Query),
    ];

    private sealed record Message(string Role, string Content);

    private sealed record Metadata(string ExampleId, string ProductId, IReadOnlyList<string> Categories, string Split);

    private sealed record SftLine(IReadOnlyList<Message> Messages, Metadata Metadata);

    private sealed record PreferenceLine(IReadOnlyList<Message> Prompt, IReadOnlyList<Message> Chosen, IReadOnlyList<Message> Rejected, Metadata Metadata);
}
