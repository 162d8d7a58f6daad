namespace HitlLoop.Contracts;

/// <summary>One earlier turn of the conversation; <see cref="Role"/> is "user" or "assistant".</summary>
public sealed record ConversationTurn
{
    public required string Role { get; init; }
    public required string Text { get; init; }
}
