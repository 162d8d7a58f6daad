using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

/// <summary>
/// The decisions, one per response id, written in batches: decisions made at the same moment (the consumer decides
/// many messages side by side) are stored in one store operation, which also counts them under their stats key (what
/// each counts as, for which product, on which UTC day) in the same transaction. The stats read those counts (a day's
/// go into a tally once the day is over), so they are exact however the process stops, and no index over the
/// decisions but their id costs each one an entry.
/// </summary>
internal sealed class DecisionStore : IDecisionStore, IStoreSetup
{
    /// <summary>The most decisions one store operation takes.</summary>
    private const int MaxBatch = 128;

    /// <summary>The <see cref="SetupStep"/> done once every product with a stored decision is registered.</summary>
    private const string ProductsRegistered = "products-registered";

    /// <summary>The <see cref="SetupStep"/> done once the decisions stored before they were counted are counted.</summary>
    private const string DecisionsCounted = "decisions-counted";

    /// <summary>
    /// How long after a UTC day ends its counts go into the tallies: decisions carry their Router's clock, and two
    /// replicas' clocks may differ a little around midnight.
    /// </summary>
    private static readonly TimeSpan DayClosesAfter = TimeSpan.FromHours(1);

    private static readonly DecisionStats None = new(0, 0, 0, 0);

    private readonly TimeProvider _clock;
    private readonly IDocumentCollection<RoutingDecisionDocument> _decisions;
    private readonly IDocumentCollection<DocumentCount> _counts;
    private readonly InsertCounts<RoutingDecisionDocument> _counted;
    private readonly IDocumentCollection<RoutedProduct> _products;
    private readonly IDocumentCollection<ProductTally> _tallies;
    private readonly IDocumentCollection<SetupStep> _setup;
    private readonly ConcurrentQueue<Pending> _queue = new();

    /// <summary>Each product's registration, from the first decision of it this process records (one entry a product).</summary>
    private readonly ConcurrentDictionary<string, Task<bool>> _registered = new(StringComparer.Ordinal);

    /// <summary>
    /// 1 while a flush runs. One at a time: while a batch is written the next fills, and the store's single writer
    /// would take concurrent batches one after another anyway (four at once measured no faster, with smaller batches).
    /// </summary>
    private int _flushing;

    public DecisionStore(IDocumentStoreFactory stores, TimeProvider clock)
    {
        _clock = clock;
        var store = stores.ForService(RouterService.ServiceName);
        _decisions = store.GetCollection<RoutingDecisionDocument>("decisions");
        _products = store.GetCollection<RoutedProduct>("products");
        _setup = store.GetCollection<SetupStep>("setup-steps");
        _tallies = store.GetCollection<ProductTally>("product-tallies");
        _counts = store.GetCollection<DocumentCount>("decision-counts");
        _counted = new InsertCounts<RoutingDecisionDocument>(_counts, d => d.StatsDayKey);
    }

    /// <summary>
    /// Brings a store written by an earlier version up to date (each step once), then drops the stats index those
    /// versions kept: the decisions are counted as they are stored now.
    /// </summary>
    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await RegisterStoredProductsAsync(cancellationToken);
        await CountStoredDecisionsAsync(cancellationToken);
        await _decisions.DropIndexAsync(d => d.StatsDayKey, cancellationToken);
    }

    /// <summary>
    /// Once, for a store written before the decisions were counted as they were stored: keys the decisions stored
    /// before the key held the day, then counts every key's decisions on the stats index those versions kept.
    /// </summary>
    /// <remarks>
    /// A count is only ever inserted here, never replaced: one that is there was written by a replica that counted
    /// first (and may since have added decisions it stored), so a replica setting up beside it keeps its count. The
    /// replicas of an earlier version stop before this one starts: they store decisions without counting them.
    /// </remarks>
    private async Task CountStoredDecisionsAsync(CancellationToken cancellationToken)
    {
        if (await _setup.FindByIdAsync(DecisionsCounted, cancellationToken) is not null)
        {
            return;
        }

        // Decisions stored before the key held the day get it first, so they are counted too.
        await _decisions.EnsureIndexAsync(d => d.StatsDayKey, cancellationToken: cancellationToken);
        while (await _decisions.FindAsync(d => d.StatsDayKey == null || d.StatsDayKey == "", limit: 500, cancellationToken) is { Count: > 0 } unkeyed)
        {
            foreach (var decision in unkeyed)
            {
                var keyed = decision with
                {
                    StatsDayKey = RoutingDecisionDocument.StatsKeyOf(decision.Outcome, decision.Audit, decision.BudgetSkipped, decision.ProductId, decision.DecidedAt),
                    Version = decision.Version + 1,
                };
                await _decisions.TryReplaceAsync(keyed, decision.Version, cancellationToken);
            }
        }

        var today = _clock.GetUtcNow().UtcDateTime.Date;
        foreach (var product in await RegisteredAsync(cancellationToken))
        {
            foreach (var kind in StatsKinds.All)
            {
                var prefix = RoutingDecisionDocument.StatsPrefixOf(kind, product);
                if (await _decisions.FindAsync(d => d.StatsDayKey.StartsWith(prefix), d => d.StatsDayKey, limit: 1, cancellationToken: cancellationToken) is not [var earliest])
                {
                    continue;
                }

                // Up to tomorrow: a replica's clock may be a little ahead of this one's.
                for (var day = DayOf(earliest.StatsDayKey, prefix); day <= today.AddDays(1); day = day.AddDays(1))
                {
                    var key = RoutingDecisionDocument.StatsKeyOf(kind, product, day);
                    if (await _decisions.CountAsync(d => d.StatsDayKey == key, cancellationToken) is var count and > 0)
                    {
                        await _counts.TryInsertAsync(new DocumentCount { Id = key, Count = count, Version = 1 }, cancellationToken);
                    }
                }
            }
        }

        await _setup.TryInsertAsync(new SetupStep { Id = DecisionsCounted, DoneAt = _clock.GetUtcNow().UtcDateTime }, cancellationToken);
    }

    /// <summary>
    /// Once, for a store written before products were registered: registers the product of every stored decision,
    /// then drops the index on the decision time that the stats of every product used to read. Each round looks for
    /// one decision of a product not registered yet (a scan, not an index read), so it runs once per product then,
    /// and never again.
    /// </summary>
    private async Task RegisterStoredProductsAsync(CancellationToken cancellationToken)
    {
        if (await _setup.FindByIdAsync(ProductsRegistered, cancellationToken) is not null)
        {
            return;
        }

        var registered = await RegisteredAsync(cancellationToken);
        Expression<Func<RoutingDecisionDocument, bool>> unregistered = d => d.ProductId != null;
        foreach (var known in registered)
        {
            unregistered = Filters.And(unregistered, d => d.ProductId != known);
        }

        while (await _decisions.FindAsync(unregistered, limit: 1, cancellationToken) is [var found])
        {
            var product = found.ProductId;
            await RegisterAsync(product, found.DecidedAt);
            unregistered = Filters.And(unregistered, d => d.ProductId != product);
        }

        await _decisions.DropIndexAsync(d => d.DecidedAt, cancellationToken);
        await _setup.TryInsertAsync(new SetupStep { Id = ProductsRegistered, DoneAt = _clock.GetUtcNow().UtcDateTime }, cancellationToken);
    }

    /// <remarks>A product is registered before its first decision is stored, so every stored decision's product is listed.</remarks>
    public Task<RoutingDecisionDocument> RecordOnceAsync(RoutingDecisionDocument decision, CancellationToken cancellationToken)
    {
        var registration = _registered.GetOrAdd(decision.ProductId, static (product, state) => state.Store.RegisterAsync(product, state.At), (Store: this, At: decision.DecidedAt));
        return registration.IsCompletedSuccessfully ? Enqueue(decision, cancellationToken) : AfterRegistrationAsync(registration, decision, cancellationToken);
    }

    private Task<bool> RegisterAsync(string productId, DateTime at) =>
        _products.TryInsertAsync(new RoutedProduct { Id = productId, RegisteredAt = at }, CancellationToken.None);

    private async Task<RoutingDecisionDocument> AfterRegistrationAsync(Task<bool> registration, RoutingDecisionDocument decision, CancellationToken cancellationToken)
    {
        try
        {
            await registration.WaitAsync(cancellationToken);
        }
        catch when (registration.IsFaulted)
        {
            // Not registered: the next decision of the product tries again (this one fails, and its message is retried).
            _registered.TryRemove(new KeyValuePair<string, Task<bool>>(decision.ProductId, registration));
            throw;
        }

        return await Enqueue(decision, cancellationToken);
    }

    private Task<RoutingDecisionDocument> Enqueue(RoutingDecisionDocument decision, CancellationToken cancellationToken)
    {
        var pending = new Pending(decision);
        _queue.Enqueue(pending);
        StartFlush();

        return pending.Task.WaitAsync(cancellationToken);
    }

    private void StartFlush()
    {
        if (Interlocked.CompareExchange(ref _flushing, 1, 0) == 0)
        {
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }
    }

    /// <summary>
    /// Writes what is queued, a batch at a time, until the queue is empty. The next batch goes to the store before the
    /// callers of the last one resume, so the store writes while they publish their review requests.
    /// </summary>
    private async Task FlushAsync()
    {
        var batch = Take();
        var writing = batch.Count > 0 ? WriteAsync(batch) : null;
        while (writing is not null)
        {
            IReadOnlyList<RoutingDecisionDocument>? standing = null;
            Exception? failed = null;
            try
            {
                standing = await writing;
            }
            catch (Exception e)
            {
                failed = e;
            }

            var written = batch;
            batch = Take();
            writing = batch.Count > 0 ? WriteAsync(batch) : null;
            for (var i = 0; i < written.Count; i++)
            {
                if (standing is null)
                {
                    written[i].Fail(failed!);
                }
                else
                {
                    written[i].Done(standing[i]);
                }
            }
        }

        // Stand down; a decision queued after the last look, while this flush still ran, starts one again.
        Volatile.Write(ref _flushing, 0);
        if (!_queue.IsEmpty)
        {
            StartFlush();
        }
    }

    private List<Pending> Take()
    {
        var batch = new List<Pending>(Math.Min(_queue.Count, MaxBatch));
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        return batch;
    }

    private Task<IReadOnlyList<RoutingDecisionDocument>> WriteAsync(List<Pending> batch) =>
        _decisions.InsertManyOnceAsync([.. batch.Select(p => p.Decision)], _counted, CancellationToken.None);

    public Task<RoutingDecisionDocument?> FindAsync(string responseId, CancellationToken cancellationToken) =>
        _decisions.FindByIdAsync(responseId, cancellationToken);

    public async Task<bool> RecordVerdictAsync(string responseId, bool corrected, CancellationToken cancellationToken)
    {
        var recorded = false;
        await _decisions.UpdateAsync(
            responseId,
            d =>
            {
                recorded = d.Corrected is null;
                return recorded ? d with { Corrected = corrected, Version = d.Version + 1 } : null;
            },
            cancellationToken);
        return recorded;
    }

    /// <summary>
    /// Every decision so far, for the product or every registered product: the tally of the days that are over, and
    /// the counts of the days since, so the cost does not grow with the product's history.
    /// </summary>
    public async Task<DecisionStats> StatsAsync(string? productId, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var over = (now - DayClosesAfter).Date;
        var stats = None;
        foreach (var product in await RegisteredAsync(productId, cancellationToken))
        {
            stats += await TalliedAsync(product, over, cancellationToken) + await CountDaysAsync(product, over, now.Date.AddDays(1), cancellationToken);
        }

        return stats;
    }

    /// <summary>
    /// The decisions of the UTC days in [<paramref name="from"/>, <paramref name="to"/>): one count per product, day
    /// and kind, for the product or for every registered product.
    /// </summary>
    public async Task<DecisionStats> StatsAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var stats = None;
        foreach (var product in await RegisteredAsync(productId, cancellationToken))
        {
            stats += await CountDaysAsync(product, from, to, cancellationToken);
        }

        return stats;
    }

    private async Task<IReadOnlyList<string>> RegisteredAsync(CancellationToken cancellationToken) =>
        [.. (await _products.FindAsync(p => p.Id != null, int.MaxValue, cancellationToken)).Select(p => p.Id)];

    /// <summary>
    /// The product, if registered (one that is not has no decision, and gets no tally), or every registered product.
    /// </summary>
    private async Task<IReadOnlyList<string>> RegisteredAsync(string? productId, CancellationToken cancellationToken) =>
        productId is null ? await RegisteredAsync(cancellationToken)
        : await _products.FindByIdAsync(productId, cancellationToken) is null ? []
        : [productId];

    private async Task<DecisionStats> CountDaysAsync(string productId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        var stats = None;
        for (var day = from.Date; day < to; day = day.AddDays(1))
        {
            var review = await CountedAsync(StatsKinds.Review, productId, day, cancellationToken);
            var audits = await CountedAsync(StatsKinds.Audit, productId, day, cancellationToken);
            var skipped = await CountedAsync(StatsKinds.Skipped, productId, day, cancellationToken);
            var approved = await CountedAsync(StatsKinds.Approved, productId, day, cancellationToken);
            var total = review + audits + skipped + approved;
            stats += new DecisionStats(total, total - review, review, audits, skipped);
        }

        return stats;
    }

    private async Task<long> CountedAsync(string kind, string productId, DateTime day, CancellationToken cancellationToken) =>
        (await _counts.FindByIdAsync(RoutingDecisionDocument.StatsKeyOf(kind, productId, day), cancellationToken))?.Count ?? 0;

    /// <summary>
    /// The product's decisions on the days before <paramref name="until"/>: its tally, first brought up to that day by
    /// counting the days it lacks (all of them, from the product's first, the first time).
    /// </summary>
    private async Task<DecisionStats> TalliedAsync(string productId, DateTime until, CancellationToken cancellationToken)
    {
        while (true)
        {
            var tally = await _tallies.FindByIdAsync(productId, cancellationToken);
            if (tally is not null && tally.Until >= until)
            {
                return tally.Stats;
            }

            var from = tally?.Until ?? await FirstDayAsync(productId, cancellationToken) ?? until;
            var next = ProductTally.Of(productId, until, (tally?.Stats ?? None) + await CountDaysAsync(productId, from, until, cancellationToken), (tally?.Version ?? -1) + 1);
            if (tally is null ? await _tallies.TryInsertAsync(next, cancellationToken) : await _tallies.TryReplaceAsync(next, tally.Version, cancellationToken))
            {
                return next.Stats;
            }

            // Another caller brought it up meanwhile: read theirs.
        }
    }

    /// <summary>The UTC day of the product's earliest decision: the first count of each kind in key order.</summary>
    private async Task<DateTime?> FirstDayAsync(string productId, CancellationToken cancellationToken)
    {
        DateTime? first = null;
        foreach (var kind in StatsKinds.All)
        {
            var prefix = RoutingDecisionDocument.StatsPrefixOf(kind, productId);
            if (await _counts.FindAsync(c => c.Id.StartsWith(prefix), c => c.Id, limit: 1, cancellationToken: cancellationToken) is [var earliest])
            {
                var day = DayOf(earliest.Id, prefix);
                first = first is null || day < first ? day : first;
            }
        }

        return first;
    }

    private static DateTime DayOf(string statsKey, string prefix) =>
        DateTime.ParseExact(statsKey[prefix.Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <remarks>
    /// A caller resumes on the flush's thread, up to its next wait (the publish of its review request): one thread
    /// runs a batch's callers in turn, instead of a thread-pool hand-off for each.
    /// </remarks>
    private sealed class Pending(RoutingDecisionDocument decision)
    {
        private readonly TaskCompletionSource<RoutingDecisionDocument> _done = new();

        public RoutingDecisionDocument Decision { get; } = decision;

        public Task<RoutingDecisionDocument> Task => _done.Task;

        public void Done(RoutingDecisionDocument standing) => _done.TrySetResult(standing);

        public void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
