using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.TrainingOrchestrator.Datasets;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>
/// A golden example as training data, stored once whatever the number of snapshots that hold it. Its content and
/// split never change after it arrives; only <see cref="Ordinal"/> and <see cref="SnapshotId"/> are set, once, when
/// a snapshot first takes it in.
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

    /// <summary>The reviewer's agreement with peers when Feedback accepted the correction (1 when not yet measured).</summary>
    public double ReviewerReliability { get; init; } = 1.0;

    /// <summary>The first snapshot that included this example; null while it still counts as new.</summary>
    public string? SnapshotId { get; init; }

    /// <summary>
    /// Its place in every snapshot's files, from 1, given when a snapshot first takes it in; 0 until then. A snapshot
    /// is the examples up to its <see cref="DatasetSnapshot.MaxOrdinal"/>, in this order, so its bytes never change.
    /// </summary>
    public long Ordinal { get; init; }

    /// <summary>The snapshot that gave <see cref="Ordinal"/>; null (or absent, in examples stored before ordinals) until then.</summary>
    public string? NumberedIn { get; init; }
}
