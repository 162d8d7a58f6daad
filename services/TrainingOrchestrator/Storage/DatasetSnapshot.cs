using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.TrainingOrchestrator.Datasets;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>
/// A versioned, immutable dataset: every example accepted up to its creation (so version N+1 contains version N).
/// The lines live in <see cref="DatasetChunk"/>s written before this document; inserting this document is the
/// commit. Only the outbox changes afterwards.
/// </summary>
public sealed record DatasetSnapshot : IHasOutbox<DatasetSnapshot>
{
    public const string CollectionName = "dataset-snapshots";

    /// <summary>"ds-" + six-digit version; a second writer of the same version loses the insert.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public int DatasetVersion { get; init; }
    public required string RequestId { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>"sha256:" + hex of the whole SFT JSONL (all lines in ordinal example-id order).</summary>
    public required string ContentHash { get; init; }

    public required DatasetCounts Counts { get; init; }
    public IReadOnlyList<DatasetFile> Files { get; init; } = [];
    public required string TriggerReason { get; init; }
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = new Dictionary<string, double>();

    /// <summary>Chunks holding the lines, in order.</summary>
    public IReadOnlyList<string> ChunkIds { get; init; } = [];

    /// <summary>Examples this snapshot is the first to include; marked with its id after the commit.</summary>
    public IReadOnlyList<string> NewExampleIds { get; init; } = [];

    /// <summary>The request as sent to the ML team.</summary>
    public required RetrainRequested Request { get; init; }

    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public DatasetSnapshot WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };
}

/// <summary>
/// A run of a snapshot's lines. Lines are split over chunks so a large cumulative dataset never meets a
/// document-size limit (16 MB in MongoDB).
/// </summary>
public sealed record DatasetChunk : IDocument
{
    public const string CollectionName = "dataset-chunks";

    public required string Id { get; init; }
    public long Version { get; init; }
    public required string DatasetId { get; init; }
    public IReadOnlyList<DatasetLine> Lines { get; init; } = [];
}
