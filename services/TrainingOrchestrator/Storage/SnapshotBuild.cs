using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>
/// The lease of the replica building a snapshot version: inserted before the new examples are numbered, renewed
/// before each batch, removed after the commit. A build whose lease has lapsed (its replica died) is finished by the
/// next one to look, from where it stopped: the numbering goes on from the highest ordinal given.
/// </summary>
public sealed record SnapshotBuild : IDocument
{
    public const string CollectionName = "snapshot-builds";

    /// <summary>The dataset id being built.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public int DatasetVersion { get; init; }

    /// <summary>The first ordinal this build gives: one past the previous snapshot's last.</summary>
    public long FirstOrdinal { get; init; }

    /// <summary>Who holds the lease; a replica that finds another token stops.</summary>
    public required string Holder { get; init; }

    public DateTime RenewedAt { get; init; }

    /// <summary>Why the retrain is asked for, decided when the build started, so a resumed build asks for the same.</summary>
    public required string TriggerReason { get; init; }

    public IReadOnlyDictionary<string, double> Evidence { get; init; } = new Dictionary<string, double>();

    /// <summary>The product whose signal set the build off, if a signal did.</summary>
    public string? ProductId { get; init; }
}
