using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.TrainingOrchestrator.Datasets;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>
/// A versioned, immutable dataset: every example accepted up to its creation (so version N+1 contains version N),
/// that is the examples numbered 1 to <see cref="MaxOrdinal"/>, rendered in that order whenever it is downloaded, so
/// each example is stored once however many snapshots hold it. Inserting this document is the commit; only the
/// request's lifecycle and the outbox change afterwards.
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

    /// <summary>The last example (by <see cref="TrainingExample.Ordinal"/>) the snapshot holds.</summary>
    public long MaxOrdinal { get; init; }

    /// <summary>The first example this snapshot took in; those before it were in the snapshot before.</summary>
    public long FirstNewOrdinal { get; init; }

    /// <summary>What the files hold, for the ML team to check before training.</summary>
    public DatasetManifest? Manifest { get; init; }

    /// <summary>Chunks holding the lines of a snapshot stored whole, as they were before examples had ordinals; empty since.</summary>
    public IReadOnlyList<string> ChunkIds { get; init; } = [];

    /// <summary>The request as sent to the ML team.</summary>
    public required RetrainRequested Request { get; init; }

    /// <summary>Where the request stands (see <see cref="RetrainLifecycle"/>); the only part that changes after the commit.</summary>
    public RetrainStatus Status { get; init; }

    /// <summary>True while the request waits for the ML team: stored so open requests are found by an indexed query.</summary>
    public bool Open { get; init; }

    /// <summary>When an open request times out.</summary>
    public DateTime? Deadline { get; init; }

    public IReadOnlyList<RetrainStep> History { get; init; } = [];

    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public DatasetSnapshot WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };
}

/// <summary>A run of the lines of a snapshot stored whole (before examples had ordinals); read, never written.</summary>
public sealed record DatasetChunk : IDocument
{
    public const string CollectionName = "dataset-chunks";

    public required string Id { get; init; }
    public long Version { get; init; }
    public required string DatasetId { get; init; }
    public IReadOnlyList<DatasetLine> Lines { get; init; } = [];
}
