using System.Collections.Concurrent;
using System.Diagnostics;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

/// <summary>
/// The decisions, one per response id, written in batches: decisions made at the same moment (the consumer decides
/// many messages side by side) are stored in one store operation, and the counts the stats read are advanced once per
/// batch, so neither a write nor a stats query costs more as history grows.
/// </summary>
internal sealed class DecisionStore : IDecisionStore, IStoreSetup, IAsyncDisposable, IDisposable
{
    /// <summary>The most decisions one store operation takes.</summary>
    private const int MaxBatch = 128;

    /// <summary>Batches in flight at once: while one is written, the next fills and its counts are added.</summary>
    private const int MaxFlushes = 4;

    private readonly IDocumentCollection<RoutingDecisionDocument> _decisions;
    private readonly IDocumentCollection<DecisionCount> _counts;
    private readonly ILogger<DecisionStore> _logger;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly ConcurrentDictionary<string, bool> _countsOpened = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _storingCounts = new(1, 1);
    private readonly Lock _tallying = new();
    private Dictionary<string, (DecisionCount Seed, DecisionStats Add)> _uncounted = new(StringComparer.Ordinal);
    private long _countsStoredAt;
    private int _flushing;

    public DecisionStore(IDocumentStoreFactory stores, ILogger<DecisionStore> logger)
    {
        var store = stores.ForService(RouterService.ServiceName);
        _decisions = store.GetCollection<RoutingDecisionDocument>("decisions");
        _counts = store.GetCollection<DecisionCount>("decision-counts");
        _logger = logger;
    }

    /// <summary>Decisions are only ever read by id, and the stats read counts: no index but the id's to maintain.</summary>
    public Task SetUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<RoutingDecisionDocument> RecordOnceAsync(RoutingDecisionDocument decision, CancellationToken cancellationToken)
    {
        var pending = new Pending(decision);
        _queue.Enqueue(pending);
        StartFlush();

        return pending.Task.WaitAsync(cancellationToken);
    }

    private void StartFlush()
    {
        var running = Volatile.Read(ref _flushing);
        while (running < MaxFlushes)
        {
            var seen = Interlocked.CompareExchange(ref _flushing, running + 1, running);
            if (seen == running)
            {
                _ = Task.Run(FlushAsync, CancellationToken.None);
                return;
            }

            running = seen;
        }
    }

    /// <summary>Writes what is queued, a batch at a time, until the queue is empty.</summary>
    private async Task FlushAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (true)
        {
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                // Stand down, the counts stored; a decision queued after the last look, when every flush was busy,
                // starts one again.
                await StoreCountsAsync(wait: false);
                Interlocked.Decrement(ref _flushing);
                if (!_queue.IsEmpty)
                {
                    StartFlush();
                }

                return;
            }

            try
            {
                var standing = await _decisions.InsertManyOnceAsync([.. batch.Select(p => p.Decision)], CancellationToken.None);
                Tally(batch.Where((p, i) => ReferenceEquals(standing[i], p.Decision)).Select(p => p.Decision));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done(standing[i]);
                }

                if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _countsStoredAt)) >= CountsInterval)
                {
                    await StoreCountsAsync(wait: false);
                }
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Fail(e);
                }
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// Adds the new decisions to their product's and to every product's counts, by day and in all, in memory; they are
    /// stored at most <see cref="CountsInterval"/> later, when the writes pause, and before this replica's stats are
    /// read. Should the process die first, the stored counts fall short by what was not stored yet.
    /// </summary>
    private void Tally(IEnumerable<RoutingDecisionDocument> decided)
    {
        lock (_tallying)
        {
            foreach (var decision in decided)
            {
                var add = new DecisionStats(
                    1,
                    decision.Outcome == RoutingOutcome.AutoApproved ? 1 : 0,
                    decision.Outcome == RoutingOutcome.ReviewRequested ? 1 : 0,
                    decision.Audit ? 1 : 0,
                    decision.BudgetSkipped ? 1 : 0);
                var day = decision.DecidedAt.Date;
                Add(decision.ProductId, day, add);
                Add(null, day, add);
                Add(decision.ProductId, null, add);
                Add(null, null, add);
            }
        }

        void Add(string? productId, DateTime? day, DecisionStats add)
        {
            var id = DecisionCount.IdOf(productId, day);
            _uncounted[id] = _uncounted.TryGetValue(id, out var tally) ? (tally.Seed, tally.Add + add) : (DecisionCount.For(productId, day), add);
        }
    }

    /// <summary>How long decisions' counts may wait in memory under a steady stream of decisions.</summary>
    private static readonly TimeSpan CountsInterval = TimeSpan.FromSeconds(1);

    /// <summary>Stores the counts tallied so far; unless <paramref name="wait"/>, returns at once if another store is under way.</summary>
    private async Task StoreCountsAsync(bool wait)
    {
        try
        {
            if (!await _storingCounts.WaitAsync(wait ? Timeout.InfiniteTimeSpan : TimeSpan.Zero))
            {
                return;
            }
        }
        catch (ObjectDisposedException)
        {
            // The store has closed: what is still tallied is lost, as in a crash.
            return;
        }

        Dictionary<string, (DecisionCount Seed, DecisionStats Add)> tallies;
        lock (_tallying)
        {
            tallies = _uncounted;
            _uncounted = new Dictionary<string, (DecisionCount Seed, DecisionStats Add)>(StringComparer.Ordinal);
        }

        try
        {
            if (tallies.Count == 0)
            {
                return;
            }

            // Side by side, so the embedded store commits them together.
            await Task.WhenAll(tallies.Values.Where(t => !_countsOpened.ContainsKey(t.Seed.Id)).Select(t => _counts.TryInsertAsync(t.Seed)));
            foreach (var id in tallies.Keys)
            {
                _countsOpened[id] = true;
            }

            await Task.WhenAll(tallies.Select(t => _counts.FindOneAndUpdateAsync(
                c => c.Id == t.Key,
                c => c.Id,
                new DocumentUpdate<DecisionCount>()
                    .Increment(c => c.Total, t.Value.Add.Total)
                    .Increment(c => c.ReviewRequested, t.Value.Add.ReviewRequested)
                    .Increment(c => c.Audits, t.Value.Add.Audits)
                    .Increment(c => c.BudgetSkipped, t.Value.Add.BudgetSkipped))));
        }
        catch (Exception e)
        {
            // The decisions stand; their counts wait for the next store (an increment that did land may count twice).
            _logger.LogError(e, "Storing the counts of decisions failed; they are kept for the next try");
            lock (_tallying)
            {
                foreach (var (id, tally) in tallies)
                {
                    _uncounted[id] = _uncounted.TryGetValue(id, out var later) ? (tally.Seed, tally.Add + later.Add) : tally;
                }
            }
        }
        finally
        {
            if (_countsOpened.Count > 10_000)
            {
                _countsOpened.Clear();
            }

            Interlocked.Exchange(ref _countsStoredAt, Stopwatch.GetTimestamp());
            _storingCounts.Release();
        }
    }

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

    public async Task<DecisionStats> StatsAsync(string? productId, CancellationToken cancellationToken)
    {
        await StoreCountsAsync(wait: true);
        return (await _counts.FindByIdAsync(DecisionCount.IdOf(productId, null), cancellationToken))?.ToStats() ?? DecisionStats.None;
    }

    public async Task<DecisionStats> StatsAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        await StoreCountsAsync(wait: true);
        var stats = DecisionStats.None;
        for (var day = from.Date; day < to; day = day.AddDays(1))
        {
            if (await _counts.FindByIdAsync(DecisionCount.IdOf(productId, day), cancellationToken) is { } counted)
            {
                stats += counted.ToStats();
            }
        }

        return stats;
    }

    /// <summary>Stores what is tallied before the store closes, so a clean stop loses no counts.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StoreCountsAsync(wait: true);
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose() => _storingCounts.Dispose();

    private sealed class Pending(RoutingDecisionDocument decision)
    {
        private readonly TaskCompletionSource<RoutingDecisionDocument> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RoutingDecisionDocument Decision { get; } = decision;

        public Task<RoutingDecisionDocument> Task => _done.Task;

        public void Done(RoutingDecisionDocument standing) => _done.TrySetResult(standing);

        public void Fail(Exception exception) => _done.TrySetException(exception);
    }
}

/// <summary>Decisions counted for one product (or all, when <see cref="ProductId"/> is null) on one UTC day (or in all).</summary>
public sealed record DecisionCount : IDocument
{
    public required string Id { get; init; }
    public long Version { get; init; }
    public string? ProductId { get; init; }
    public DateTime? Day { get; init; }
    public long Total { get; init; }
    public long ReviewRequested { get; init; }
    public long Audits { get; init; }
    public long BudgetSkipped { get; init; }

    public DecisionStats ToStats() => new(Total, Total - ReviewRequested, ReviewRequested, Audits, BudgetSkipped);

    /// <summary>"all" or the day, then the product after a line break; no product id can make one key look like another.</summary>
    public static string IdOf(string? productId, DateTime? day) =>
        (day is { } d ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "all") + (productId is null ? "" : "\n" + productId);

    public static DecisionCount For(string? productId, DateTime? day) => new() { Id = IdOf(productId, day), ProductId = productId, Day = day };
}
