using System.Runtime.CompilerServices;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;

namespace HitlLoop.TrainingOrchestrator.Storage;

internal sealed class DatasetStore : IDatasetStore, IStoreSetup
{
    /// <summary>Examples read at a time when a snapshot is built or downloaded.</summary>
    internal const int PageSize = 1_000;

    private readonly IDocumentCollection<TrainingExample> _examples;
    private readonly IDocumentCollection<DatasetChunk> _chunks;
    private readonly IDocumentCollection<SnapshotBuild> _builds;

    public DatasetStore(IDocumentStoreFactory stores)
    {
        var store = stores.ForService(TrainingOrchestratorService.ServiceName);
        _examples = store.GetCollection<TrainingExample>(TrainingExample.CollectionName);
        _chunks = store.GetCollection<DatasetChunk>(DatasetChunk.CollectionName);
        _builds = store.GetCollection<SnapshotBuild>(SnapshotBuild.CollectionName);
        Snapshots = store.GetCollection<DatasetSnapshot>(DatasetSnapshot.CollectionName);
    }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _examples.EnsureIndexAsync(e => e.SnapshotId, cancellationToken: cancellationToken);
        await _examples.EnsureIndexAsync(e => e.Ordinal, cancellationToken: cancellationToken);
        await _examples.EnsureIndexAsync(e => e.NumberedIn, cancellationToken: cancellationToken);
        await Snapshots.EnsureIndexAsync(s => s.DatasetVersion, cancellationToken: cancellationToken);
        await Snapshots.EnsureIndexAsync(s => s.RequestId, cancellationToken: cancellationToken);
        await Snapshots.EnsureIndexAsync(s => s.OutboxPending, cancellationToken: cancellationToken);
        await Snapshots.EnsureIndexAsync(s => s.Open, cancellationToken: cancellationToken);
    }

    /// <summary>Exposed for the outbox sweeper.</summary>
    public IDocumentCollection<DatasetSnapshot> Snapshots { get; }

    public Task<bool> AddExampleAsync(TrainingExample example, CancellationToken cancellationToken) =>
        _examples.TryInsertAsync(example, cancellationToken);

    public async Task<PendingExamples> CountPendingAsync(CancellationToken cancellationToken) => new(
        await _examples.CountAsync(e => e.SnapshotId == null, cancellationToken),
        await _examples.CountAsync(e => e.SnapshotId == null && e.IsPreferencePair, cancellationToken));

    public async Task<PendingExamples> CountPendingAsync(string productId, CancellationToken cancellationToken) => new(
        await _examples.CountAsync(e => e.SnapshotId == null && e.ProductId == productId, cancellationToken),
        await _examples.CountAsync(e => e.SnapshotId == null && e.ProductId == productId && e.IsPreferencePair, cancellationToken));

    public async Task<DatasetSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken) =>
        await Snapshots.FindAsync(s => true, s => s.DatasetVersion, descending: true, limit: 1, cancellationToken) is [var first, ..] ? first : null;

    public Task<DatasetSnapshot?> FindSnapshotAsync(string datasetId, CancellationToken cancellationToken) =>
        Snapshots.FindByIdAsync(datasetId, cancellationToken);

    public async Task<DatasetSnapshot?> FindSnapshotByRequestAsync(string requestId, CancellationToken cancellationToken) =>
        await Snapshots.FindAsync(s => s.RequestId == requestId, s => s.DatasetVersion, limit: 1, cancellationToken: cancellationToken) is [var first, ..] ? first : null;

    public Task<IReadOnlyList<DatasetSnapshot>> ListSnapshotsAsync(int limit, CancellationToken cancellationToken) =>
        Snapshots.FindAsync(s => true, s => s.DatasetVersion, descending: true, limit, cancellationToken);

    public Task<DatasetSnapshot?> ChangeSnapshotAsync(string datasetId, Func<DatasetSnapshot, DatasetSnapshot?> change, CancellationToken cancellationToken) =>
        Snapshots.UpdateAsync(datasetId, change, cancellationToken);

    public async Task<IReadOnlyList<DatasetSnapshot>> OverdueAsync(DateTime now, int limit, CancellationToken cancellationToken) =>
        [.. (await Snapshots.FindAsync(s => s.Open, limit: 1_000, cancellationToken)).Where(s => s.Deadline < now).Take(limit)];

    public Task<long> CountOpenAsync(CancellationToken cancellationToken) => Snapshots.CountAsync(s => s.Open, cancellationToken);

    public Task<bool> TryCommitAsync(DatasetSnapshot snapshot, CancellationToken cancellationToken) =>
        Snapshots.TryInsertAsync(snapshot, cancellationToken);

    public Task<SnapshotBuild?> FindBuildAsync(string datasetId, CancellationToken cancellationToken) =>
        _builds.FindByIdAsync(datasetId, cancellationToken);

    public Task<bool> TryStartBuildAsync(SnapshotBuild build, CancellationToken cancellationToken) =>
        _builds.TryInsertAsync(build, cancellationToken);

    public async Task<SnapshotBuild?> RenewBuildAsync(SnapshotBuild build, string holder, DateTime now, CancellationToken cancellationToken)
    {
        var renewed = build with { Holder = holder, RenewedAt = now, Version = build.Version + 1 };
        return await _builds.TryReplaceAsync(renewed, build.Version, cancellationToken) ? renewed : null;
    }

    public Task EndBuildAsync(string datasetId, CancellationToken cancellationToken) => _builds.TryDeleteAsync(datasetId, cancellationToken);

    public async Task<IReadOnlyList<TrainingExample>> UnnumberedAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await _examples.FindAsync(e => e.NumberedIn == null, limit, cancellationToken)).OrderBy(e => e.Id, StringComparer.Ordinal)];

    public async Task<bool> NumberAsync(string exampleId, long ordinal, string snapshotId, CancellationToken cancellationToken)
    {
        var numbered = false;
        await _examples.UpdateAsync(
            exampleId,
            example =>
            {
                numbered = example.NumberedIn is null;
                return numbered
                    ? example with { Ordinal = ordinal, NumberedIn = snapshotId, SnapshotId = example.SnapshotId ?? snapshotId, Version = example.Version + 1 }
                    : null;
            },
            cancellationToken);
        return numbered;
    }

    public async Task<long> NumberAsync(IReadOnlyList<TrainingExample> examples, long first, string snapshotId, CancellationToken cancellationToken)
    {
        var numbered = examples
            .Where(e => e.NumberedIn is null)
            .Select((e, i) => (Document: e with { Ordinal = first + i, NumberedIn = snapshotId, SnapshotId = e.SnapshotId ?? snapshotId, Version = e.Version + 1 }, ExpectedVersion: e.Version))
            .ToList();
        var replaced = await _examples.TryReplaceManyAsync(numbered, cancellationToken);
        var next = first + numbered.Count;
        for (var i = 0; i < numbered.Count; i++)
        {
            if (!replaced[i] && await NumberAsync(numbered[i].Document.Id, next, snapshotId, cancellationToken))
            {
                next++;
            }
        }

        return next;
    }

    public async Task<long> MaxOrdinalAsync(CancellationToken cancellationToken) =>
        await _examples.FindAsync(e => e.Ordinal > 0, e => e.Ordinal, descending: true, limit: 1, cancellationToken) is [var last, ..] ? last.Ordinal : 0;

    public async IAsyncEnumerable<TrainingExample> ExamplesAsync(long from, long to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = from;
        while (next <= to)
        {
            var start = next;
            var page = await _examples.FindAsync(e => e.Ordinal >= start && e.Ordinal <= to, e => e.Ordinal, limit: PageSize, cancellationToken: cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            foreach (var example in page)
            {
                yield return example;
            }

            next = page[^1].Ordinal + 1;
        }
    }

    public async IAsyncEnumerable<DatasetLine> ReadLinesAsync(DatasetSnapshot snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (snapshot.ChunkIds.Count == 0)
        {
            await foreach (var example in ExamplesAsync(1, snapshot.MaxOrdinal, cancellationToken))
            {
                yield return DatasetLines.Render(example);
            }

            yield break;
        }

        foreach (var chunkId in snapshot.ChunkIds)
        {
            var chunk = await _chunks.FindByIdAsync(chunkId, cancellationToken)
                ?? throw new InvalidOperationException($"Dataset {snapshot.Id} lost its chunk {chunkId}.");
            foreach (var line in chunk.Lines)
            {
                yield return line;
            }
        }
    }
}
