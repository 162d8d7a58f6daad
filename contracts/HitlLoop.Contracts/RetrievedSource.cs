namespace HitlLoop.Contracts;

/// <summary>A document the product retrieved to ground its response.</summary>
public sealed record RetrievedSource
{
    public required string Id { get; init; }
    public string? Title { get; init; }
    public string? Snippet { get; init; }
}
