using System.Runtime.CompilerServices;
using System.Text;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;
using MassTransit;

namespace HitlLoop.TrainingOrchestrator.Storage;

internal sealed class DatasetStore : IDatasetStore, IStoreSetup
{
    /// <summary>Well under MongoDB's 16 MB document limit, with room for BSON overhead.</summary>
    internal const int MaxChunkBytes = 4 * 1024 * 1024;

    private readonly IDocumentCollection<TrainingExample> _examples;
    private readonly IDocumentCollection<DatasetChunk> _chunks;

    public DatasetStore(IDocumentStoreFactory stores)
    {
        var store = stores.ForService(TrainingOrchestratorService.ServiceName);
        _examples = store.GetCollection<TrainingExample>(TrainingExample.CollectionName);
        _chunks = store.GetCollection<DatasetChunk>(DatasetChunk.CollectionName);
        Snapshots = store.GetCollection<DatasetSnapshot>(DatasetSnapshot.CollectionName);
    }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _examples.EnsureIndexAsync(e => e.SnapshotId, cancellationToken: cancellationToken);
        await Snapshots.EnsureIndexAsync(s => s.DatasetVersion, cancellationToken: cancellationToken);
        await Snapshots.EnsureIndexAsync(s => s.RequestId, cancellationToken: cancellationToken);
        await Snapshots.EnsureIndexAsync(s => s.OutboxPending, cancellationToken: cancellationToken);
    }

    /// <summary>Exposed for the outbox sweeper.</summary>
    public IDocumentCollection<DatasetSnapshot> Snapshots { get; }

    public Task<bool> AddExampleAsync(TrainingExample example, CancellationToken cancellationToken) =>
        _examples.TryInsertAsync(example, cancellationToken);

    public Task<IReadOnlyList<TrainingExample>> AllExamplesAsync(CancellationToken cancellationToken) =>
        _examples.FindAsync(e => true, e => e.Id, cancellationToken: cancellationToken);

    public async Task<PendingExamples> CountPendingAsync(CancellationToken cancellationToken) => new(
        await _examples.CountAsync(e => e.SnapshotId == null, cancellationToken),
        await _examples.CountAsync(e => e.SnapshotId == null && e.IsPreferencePair, cancellationToken));

    public async Task<DatasetSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken) =>
        await Snapshots.FindAsync(s => true, s => s.DatasetVersion, descending: true, limit: 1, cancellationToken) is [var first, ..] ? first : null;

    public Task<DatasetSnapshot?> FindSnapshotAsync(string datasetId, CancellationToken cancellationToken) =>
        Snapshots.FindByIdAsync(datasetId, cancellationToken);

    public async Task<DatasetSnapshot?> FindSnapshotByRequestAsync(string requestId, CancellationToken cancellationToken) =>
        await Snapshots.FindAsync(s => s.RequestId == requestId, s => s.DatasetVersion, limit: 1, cancellationToken: cancellationToken) is [var first, ..] ? first : null;

    public Task<IReadOnlyList<DatasetSnapshot>> ListSnapshotsAsync(int limit, CancellationToken cancellationToken) =>
        Snapshots.FindAsync(s => true, s => s.DatasetVersion, descending: true, limit, cancellationToken);

    public async Task<DatasetSnapshot?> TryCommitAsync(DatasetSnapshot snapshot, IReadOnlyList<DatasetLine> lines, CancellationToken cancellationToken)
    {
        // Cheap early exit; the insert below is what actually decides.
        if (await Snapshots.FindByIdAsync(snapshot.Id, cancellationToken) is not null)
        {
            return null;
        }

        // Chunk ids carry a build id, so a writer that loses the race leaves orphan chunks rather than
        // colliding with (or overwriting) the winner's.
        var build = NewId.NextGuid().ToString("N")[..12];
        var chunkIds = new List<string>();
        foreach (var chunk in Chunk(lines))
        {
            var id = $"{snapshot.Id}-{build}-{chunkIds.Count:D4}";
            if (!await _chunks.TryInsertAsync(new DatasetChunk { Id = id, DatasetId = snapshot.Id, Lines = chunk }, cancellationToken))
            {
                throw new InvalidOperationException($"Dataset chunk {id} already exists.");
            }

            chunkIds.Add(id);
        }

        var committed = snapshot with { ChunkIds = chunkIds };
        return await Snapshots.TryInsertAsync(committed, cancellationToken) ? committed : null;
    }

    public async Task<int> MarkIncludedAsync(DatasetSnapshot snapshot, CancellationToken cancellationToken)
    {
        var marked = 0;
        foreach (var id in snapshot.NewExampleIds)
        {
            var changed = false;
            await _examples.UpdateAsync(
                id,
                example =>
                {
                    changed = example.SnapshotId is null;
                    return changed ? example with { SnapshotId = snapshot.Id, Version = example.Version + 1 } : null;
                },
                cancellationToken);
            marked += changed ? 1 : 0;
        }

        return marked;
    }

    public async IAsyncEnumerable<DatasetLine> ReadLinesAsync(DatasetSnapshot snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
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

    internal static IEnumerable<List<DatasetLine>> Chunk(IEnumerable<DatasetLine> lines)
    {
        var chunk = new List<DatasetLine>();
        var bytes = 0L;
        foreach (var line in lines)
        {
            var size = Encoding.UTF8.GetByteCount(line.Sft) + (line.Preference is null ? 0 : Encoding.UTF8.GetByteCount(line.Preference));
            if (chunk.Count > 0 && bytes + size > MaxChunkBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(line);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
