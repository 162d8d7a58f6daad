using System.Collections.Concurrent;
using HitlLoop.Router.Signals;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.Router.Novelty;

/// <summary>
/// Each product's query clusters: compared with every new query, counted into after its decision is stored, and
/// shared with the other replicas through the store. A new cluster is stored at once; counts are stored at each
/// refresh, so a crash forgets at most one refresh interval of them.
/// </summary>
public sealed class NoveltyBoard(IDocumentStoreFactory stores, IOptions<RouterOptions> options, TimeProvider clock)
    : SignalBoard<NoveltyCluster>(stores, "novelty-clusters")
{
    private readonly NoveltyOptions _options = options.Value.Novelty;
    private readonly ConcurrentDictionary<string, Product> _products = new(StringComparer.Ordinal);

    /// <summary>How unlike the product's earlier queries <paramref name="query"/> is.</summary>
    public NoveltyAssessment Assess(string productId, string query) =>
        For(productId).Memory.Assess(QueryTerms.Of(query), _options.JoinSimilarity);

    /// <summary>The product's memory, for reports and tests.</summary>
    public NoveltyMemory MemoryOf(string productId) => For(productId).Memory;

    /// <summary>
    /// Counts the assessed query into its cluster, or opens a cluster for it led by <paramref name="example"/>
    /// (the query as reviewers may see it).
    /// </summary>
    /// <returns>The slot of the cluster the query opened; null when it joined one.</returns>
    public async Task<int?> CountAsync(string productId, NoveltyAssessment assessed, bool reviewed, Func<string> example, CancellationToken cancellationToken)
    {
        var product = For(productId);
        if (product.Memory.Count(assessed.Terms, reviewed, _options.JoinSimilarity) is null)
        {
            return null;
        }

        // Opening is one at a time per product, so two alike novel queries make one cluster, not two in one slot.
        await product.Opening.WaitAsync(cancellationToken);
        try
        {
            if (product.Memory.Count(assessed.Terms, reviewed, _options.JoinSimilarity) is not { } slot)
            {
                return null;
            }

            // The slot is free or reclaimed from a cluster not matched lately; another replica may have taken it first.
            var held = Find(NoveltyCluster.IdOf(productId, slot));
            var opened = NoveltyCluster.Open(productId, slot, assessed.Terms, example(), reviewed, clock.GetUtcNow().UtcDateTime)
                with { Version = held is null ? 0 : held.Version + 1 };
            var written = held is null
                ? await Documents.TryInsertAsync(opened, cancellationToken)
                : await Documents.TryReplaceAsync(opened, held.Version, cancellationToken);
            if (written)
            {
                Keep(opened);
            }
            else if (await Documents.FindByIdAsync(opened.Id, cancellationToken) is { } theirs)
            {
                Keep(theirs);
            }

            return slot;
        }
        finally
        {
            product.Opening.Release();
        }
    }

    public override async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await StoreCountsAsync(cancellationToken);
        await base.RefreshAsync(cancellationToken);
    }

    /// <summary>Adds the counts made since the last time to the stored clusters.</summary>
    public async Task StoreCountsAsync(CancellationToken cancellationToken)
    {
        foreach (var product in _products.Values)
        {
            var pending = product.Memory.TakePending();
            for (var i = 0; i < pending.Count; i++)
            {
                var counts = pending[i];
                try
                {
                    var stored = await Documents.FindOneAndUpdateAsync(
                        c => c.Id == counts.Id,
                        c => c.Id,
                        new DocumentUpdate<NoveltyCluster>()
                            .Increment(c => c.Seen, counts.Seen)
                            .Increment(c => c.Reviewed, counts.Reviewed)
                            .Set(c => c.UpdatedAt, clock.GetUtcNow().UtcDateTime),
                        cancellationToken: cancellationToken);
                    product.Memory.Stored(counts, stored);
                    if (stored is not null)
                    {
                        Keep(stored);
                    }
                }
                catch
                {
                    foreach (var unsettled in pending.Skip(i))
                    {
                        product.Memory.Stored(unsettled, null);
                    }

                    throw;
                }
            }
        }
    }

    protected override void Changed(NoveltyCluster signal) => For(signal.ProductId).Memory.Apply(signal);

    private Product For(string productId) => _products.GetOrAdd(productId, _ => new Product(new NoveltyMemory(_options.MaxClusters)));

    private sealed record Product(NoveltyMemory Memory)
    {
        public SemaphoreSlim Opening { get; } = new(1, 1);
    }
}
