using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>Training examples and the dataset snapshots built from them.</summary>
public interface IDatasetStore
{
    /// <summary>Stores the example; false when it was stored before (a redelivery or duplicate).</summary>
    Task<bool> AddExampleAsync(TrainingExample example, CancellationToken cancellationToken);

    Task<IReadOnlyList<TrainingExample>> AllExamplesAsync(CancellationToken cancellationToken);

    /// <summary>Examples no snapshot includes yet.</summary>
    Task<PendingExamples> CountPendingAsync(CancellationToken cancellationToken);

    Task<DatasetSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken);

    Task<DatasetSnapshot?> FindSnapshotAsync(string datasetId, CancellationToken cancellationToken);

    Task<DatasetSnapshot?> FindSnapshotByRequestAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<DatasetSnapshot>> ListSnapshotsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the lines, then the snapshot. Null when a snapshot with this id already exists: another writer
    /// won the version, and this one must stop.
    /// </summary>
    Task<DatasetSnapshot?> TryCommitAsync(DatasetSnapshot snapshot, IReadOnlyList<DatasetLine> lines, CancellationToken cancellationToken);


    /// <summary>Sets <see cref="TrainingExample.SnapshotId"/> on the snapshot's new examples that lack it; returns how many changed.</summary>
    Task<int> MarkIncludedAsync(DatasetSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>The snapshot's lines in canonical order.</summary>
    IAsyncEnumerable<DatasetLine> ReadLinesAsync(DatasetSnapshot snapshot, CancellationToken cancellationToken);
}
