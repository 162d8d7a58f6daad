using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>The first golden example of a training triplet, keyed by its <see cref="GoldenExample.ContentKeyOf"/>.</summary>
public sealed record GoldenContentKey : IDocument
{
    public required string Id { get; init; }
    public long Version { get; init; }
    public required string ExampleId { get; init; }
}
