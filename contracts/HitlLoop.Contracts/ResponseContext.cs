namespace HitlLoop.Contracts;

/// <summary>What a reviewer (and a training example) needs to judge a response without calling the product.</summary>
public sealed record ResponseContext
{
    public IReadOnlyList<ConversationTurn> RecentTurns { get; init; } = [];
    public IReadOnlyList<RetrievedSource> RetrievedSources { get; init; } = [];
    public AccountAttributes? Account { get; init; }
    public string? Stage { get; init; }
    public string? Category { get; init; }

    /// <summary>BCP 47 tag of the conversation's language, e.g. "en"; reviewers may specialize in languages.</summary>
    public string? Language { get; init; }
}
