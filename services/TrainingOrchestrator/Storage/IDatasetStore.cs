using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>
/// Training examples, each stored once, and the snapshots over them: a snapshot is the examples numbered up to its
/// last ordinal, so storage grows with the examples, not with the number of snapshots.
/// </summary>
public interface IDatasetStore
{
    /// <summary>Stores the example; false when it was stored before (a redelivery or duplicate).</summary>
    Task<bool> AddExampleAsync(TrainingExample example, CancellationToken cancellationToken);

    /// <summary>Examples no snapshot includes yet.</summary>
    Task<PendingExamples> CountPendingAsync(CancellationToken cancellationToken);

    /// <summary>The product's examples no snapshot includes yet.</summary>
    Task<PendingExamples> CountPendingAsync(string productId, CancellationToken cancellationToken);

    Task<DatasetSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken);

    Task<DatasetSnapshot?> FindSnapshotAsync(string datasetId, CancellationToken cancellationToken);

    Task<DatasetSnapshot?> FindSnapshotByRequestAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<DatasetSnapshot>> ListSnapshotsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Read-modify-write of a snapshot's lifecycle (see DocumentCollectionExtensions.UpdateAsync); null when it is missing.</summary>
    Task<DatasetSnapshot?> ChangeSnapshotAsync(string datasetId, Func<DatasetSnapshot, DatasetSnapshot?> change, CancellationToken cancellationToken);

    /// <summary>Open requests whose deadline passed before <paramref name="now"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DatasetSnapshot>> OverdueAsync(DateTime now, int limit, CancellationToken cancellationToken);

    Task<long> CountOpenAsync(CancellationToken cancellationToken);

    /// <summary>Inserts the snapshot: the commit. False when one with its id exists (another writer won the version).</summary>
    Task<bool> TryCommitAsync(DatasetSnapshot snapshot, CancellationToken cancellationToken);

    Task<SnapshotBuild?> FindBuildAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Takes the lease of a new build; false when another replica holds one for that version.</summary>
    Task<bool> TryStartBuildAsync(SnapshotBuild build, CancellationToken cancellationToken);

    /// <summary>Renews (or takes over) the lease as <paramref name="holder"/>; null when someone else changed it first.</summary>
    Task<SnapshotBuild?> RenewBuildAsync(SnapshotBuild build, string holder, DateTime now, CancellationToken cancellationToken);

    Task EndBuildAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> examples no snapshot has numbered yet, in id order.</summary>
    Task<IReadOnlyList<TrainingExample>> UnnumberedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Gives the example its ordinal and first snapshot, unless it has one; true when this call gave it.</summary>
    Task<bool> NumberAsync(string exampleId, long ordinal, string snapshotId, CancellationToken cancellationToken);

    /// <summary>
    /// Numbers <paramref name="examples"/> (as read) from <paramref name="first"/> on, in one store operation; one that
    /// changed since it was read is numbered alone, if it still has no number. Returns the ordinal after the last given.
    /// </summary>
    Task<long> NumberAsync(IReadOnlyList<TrainingExample> examples, long first, string snapshotId, CancellationToken cancellationToken);

    /// <summary>The highest ordinal given so far; 0 when none.</summary>
    Task<long> MaxOrdinalAsync(CancellationToken cancellationToken);

    /// <summary>The examples numbered <paramref name="from"/> to <paramref name="to"/>, in order, read a page at a time.</summary>
    IAsyncEnumerable<TrainingExample> ExamplesAsync(long from, long to, CancellationToken cancellationToken);

    /// <summary>The snapshot's lines in file order.</summary>
    IAsyncEnumerable<DatasetLine> ReadLinesAsync(DatasetSnapshot snapshot, CancellationToken cancellationToken);
}
