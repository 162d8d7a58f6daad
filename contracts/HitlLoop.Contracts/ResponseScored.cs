namespace HitlLoop.Contracts;

/// <summary>A chat product scored one of its responses. <see cref="ResponseId"/> is the idempotency key.</summary>
public sealed record ResponseScored
{
    public required string ResponseId { get; init; }
    public string ConversationId { get; init; } = "";
    public required string ProductId { get; init; }
    public string Query { get; init; } = "";
    public string Response { get; init; } = "";
    public ResponseContext Context { get; init; } = new();

    /// <summary>The product's own confidence in the response, 0..1.</summary>
    public double Confidence { get; init; }

    /// <summary>Scores of other models for the same query (committee), keyed by model name; empty when none ran.</summary>
    public IReadOnlyDictionary<string, double> CommitteeScores { get; init; } = new Dictionary<string, double>();

    /// <summary>Sentiment of the end user's last turn, −1..1.</summary>
    public double Sentiment { get; init; }

    public bool EscalationRequested { get; init; }
    public string? ModelVersion { get; init; }
    public DateTimeOffset ScoredAt { get; init; }
}
