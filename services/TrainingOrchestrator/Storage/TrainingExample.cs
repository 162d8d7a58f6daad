using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.TrainingOrchestrator.Datasets;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>
/// A golden example as training data. Its content and split never change after it arrives; only
/// <see cref="SnapshotId"/> is set, once, when a snapshot first includes it.
/// </summary>
public sealed record TrainingExample : IDocument
{
    public const string CollectionName = "training-examples";

    /// <summary>The golden example id from Feedback.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public string ResponseId { get; init; } = "";
    public string ReviewId { get; init; } = "";
    public required string ProductId { get; init; }
    public required string Query { get; init; }
    public IReadOnlyList<ConversationTurn> RecentTurns { get; init; } = [];
    public string OriginalText { get; init; } = "";
    public required string CorrectedText { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public string ReviewerId { get; init; } = "";
    public string? ModelVersion { get; init; }
    public DateTime AcceptedAt { get; init; }
    public DateTime ReceivedAt { get; init; }

    /// <summary>Decided on arrival with the eval fraction of the day, so later changes of the fraction move no one.</summary>
    public DatasetSplit Split { get; init; }

    /// <summary>Stored so new preference pairs can be counted by a query.</summary>
    public bool IsPreferencePair { get; init; }

    /// <summary>The first snapshot that included this example; null while it still counts as new.</summary>
    public string? SnapshotId { get; init; }
}
