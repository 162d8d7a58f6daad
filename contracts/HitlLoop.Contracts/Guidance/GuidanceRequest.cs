namespace HitlLoop.Contracts.Guidance;

/// <summary>What a chat product sends to POST /api/guidance before it answers a user.</summary>
public sealed record GuidanceRequest
{
    /// <summary>The product whose corrections and rules to return.</summary>
    public required string ProductId { get; init; }

    /// <summary>The user's message: corrections of questions that mean the same come first.</summary>
    public string? Query { get; init; }

    /// <summary>The conversation's category (its context, as in ResponseScored): narrows corrections to it, and rules to it and the category-less ones.</summary>
    public string? Category { get; init; }

    /// <summary>The bot's draft answer, when it has one: corrections of answers like it rank higher.</summary>
    public string? Draft { get; init; }

    /// <summary>How many corrections, 1..20 (3 when left out).</summary>
    public int? Limit { get; init; }
}
