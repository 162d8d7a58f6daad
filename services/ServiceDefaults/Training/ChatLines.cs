using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using HitlLoop.Contracts;

namespace HitlLoop.ServiceDefaults.Training;

/// <summary>One chat message of a training line.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Training data as JSON lines in the chat format fine-tuning tools read: supervised lines
/// (<c>{"messages":[…],"metadata":{…}}</c>) and preference lines (<c>{"prompt":[…],"chosen":[…],"rejected":[…],"metadata":{…}}</c>).
/// </summary>
/// <remarks>
/// The JSON options are fixed here and never taken from a host: property order is declaration order, no indentation,
/// UTF-8 text kept readable. Dataset snapshots hash these bytes, so they must not drift.
/// </remarks>
public static class ChatLines
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

    /// <summary>A correction is a preference pair when the bot said something and the human changed it.</summary>
    public static bool IsPreferencePair(string originalText, string correctedText) =>
        !string.IsNullOrWhiteSpace(originalText) && !string.Equals(originalText.Trim(), correctedText.Trim(), StringComparison.Ordinal);

    /// <summary>The prompt: the conversation's last turns, then the user's query.</summary>
    public static IReadOnlyList<ChatMessage> Prompt(IEnumerable<ConversationTurn> recentTurns, string query) =>
    [
        .. recentTurns.TakeLast(MaxContextTurns).Select(turn => new ChatMessage(turn.Role, turn.Text)),
        new ChatMessage(UserRole, query),
    ];

    public static string Sft<TMetadata>(IReadOnlyList<ChatMessage> prompt, string answer, TMetadata metadata) =>
        JsonSerializer.Serialize(new SftLine<TMetadata>([.. prompt, new ChatMessage(AssistantRole, answer)], metadata), Json);

    public static string Preference<TMetadata>(IReadOnlyList<ChatMessage> prompt, string chosen, string rejected, TMetadata metadata) =>
        JsonSerializer.Serialize(
            new PreferenceLine<TMetadata>(prompt, [new ChatMessage(AssistantRole, chosen)], [new ChatMessage(AssistantRole, rejected)], metadata), Json);

    private sealed record SftLine<TMetadata>(IReadOnlyList<ChatMessage> Messages, TMetadata Metadata);

    private sealed record PreferenceLine<TMetadata>(
        IReadOnlyList<ChatMessage> Prompt, IReadOnlyList<ChatMessage> Chosen, IReadOnlyList<ChatMessage> Rejected, TMetadata Metadata);
}
