using HitlLoop.ServiceDefaults.Training;
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

/// <summary>Renders a training example in the chat formats (see <see cref="ChatLines"/>, whose bytes feed the snapshot's hash).</summary>
public static class DatasetLines
{
    public const int MaxContextTurns = ChatLines.MaxContextTurns;
    public const string UserRole = ChatLines.UserRole;
    public const string AssistantRole = ChatLines.AssistantRole;
    public const string SystemRole = ChatLines.SystemRole;

    public static DatasetLine Render(TrainingExample example)
    {
        var prompt = ChatLines.Prompt(example.RecentTurns, example.Query);
        var metadata = new Metadata(example.Id, example.ProductId, example.Categories, example.Split.Name());

        return new DatasetLine
        {
            ExampleId = example.Id,
            Split = example.Split,
            Sft = ChatLines.Sft(prompt, example.CorrectedText, metadata),
            Preference = example.IsPreferencePair ? ChatLines.Preference(prompt, example.CorrectedText, example.OriginalText, metadata) : null,
        };
    }

    /// <summary>A correction is a preference pair when the bot said something and the human changed it.</summary>
    public static bool IsPreferencePair(string originalText, string correctedText) => ChatLines.IsPreferencePair(originalText, correctedText);

    private sealed record Metadata(string ExampleId, string ProductId, IReadOnlyList<string> Categories, string Split);
}
