using System.Collections.Concurrent;
using System.Linq.Expressions;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

/// <summary>
/// The decisions, one per response id, written in batches: decisions made at the same moment (the consumer decides
/// many messages side by side) are stored in one store operation. The stats count the decisions themselves, so they
/// are exact however the process stops.
/// </summary>
internal sealed class DecisionStore : IDecisionStore, IStoreSetup
{
    /// <summary>The most decisions one store operation takes.</summary>
    private const int MaxBatch = 128;

    private readonly IDocumentCollection<RoutingDecisionDocument> _decisions;
    private readonly ConcurrentQueue<Pending> _queue = new();

    /// <summary>
    /// 1 while a flush runs. One at a time: while a batch is written the next fills, and the store's single writer
    /// would take concurrent batches one after another anyway (four at once measured no faster, with smaller batches).
    /// </summary>
    private int _flushing;

    public DecisionStore(IDocumentStoreFactory stores)
    {
        _decisions = stores.ForService(RouterService.ServiceName).GetCollection<RoutingDecisionDocument>("decisions");
    }

    /// <summary>
    /// The stats' index (what a decision counts as, for which product, on which day), and the decision time for the
    /// days of every product together: decisions are otherwise only read by id.
    /// </summary>
    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _decisions.EnsureIndexAsync(d => d.StatsDayKey, cancellationToken: cancellationToken);
        await _decisions.EnsureIndexAsync(d => d.DecidedAt, cancellationToken: cancellationToken);

        // Decisions stored before the key held the day get it once, so the stats count them too.
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
    }

    public Task<RoutingDecisionDocument> RecordOnceAsync(RoutingDecisionDocument decision, CancellationToken cancellationToken)
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
        _decisions.InsertManyOnceAsync([.. batch.Select(p => p.Decision)], CancellationToken.None);

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

    /// <summary>Every decision so far: the kind's (and product's) prefix on the stats index.</summary>
    public Task<DecisionStats> StatsAsync(string? productId, CancellationToken cancellationToken) =>
        CountAsync(
            kind =>
            {
                var prefix = RoutingDecisionDocument.StatsPrefixOf(kind, productId);
                return d => d.StatsDayKey.StartsWith(prefix);
            },
            cancellationToken);

    /// <summary>
    /// The decisions of the UTC days in [<paramref name="from"/>, <paramref name="to"/>): for a product, one key per
    /// day and kind; for every product, the days' decisions on the time index, so either reads only those days.
    /// </summary>
    public async Task<DecisionStats> StatsAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        if (productId is null)
        {
            return await CountDuringAsync(from, to, cancellationToken);
        }

        var stats = new DecisionStats(0, 0, 0, 0);
        for (var day = from.Date; day < to; day = day.AddDays(1))
        {
            var of = day;
            var counted = await CountAsync(
                kind =>
                {
                    var key = RoutingDecisionDocument.StatsKeyOf(kind, productId, of);
                    return d => d.StatsDayKey == key;
                },
                cancellationToken);
            stats = new DecisionStats(
                stats.Total + counted.Total, stats.AutoApproved + counted.AutoApproved, stats.ReviewRequested + counted.ReviewRequested,
                stats.Audits + counted.Audits, stats.BudgetSkipped + counted.BudgetSkipped);
        }

        return stats;
    }

    private async Task<DecisionStats> CountAsync(Func<string, Expression<Func<RoutingDecisionDocument, bool>>> ofKind, CancellationToken cancellationToken)
    {
        var review = await _decisions.CountAsync(ofKind(StatsKinds.Review), cancellationToken);
        var audits = await _decisions.CountAsync(ofKind(StatsKinds.Audit), cancellationToken);
        var skipped = await _decisions.CountAsync(ofKind(StatsKinds.Skipped), cancellationToken);
        var approved = await _decisions.CountAsync(ofKind(StatsKinds.Approved), cancellationToken);
        var total = review + audits + skipped + approved;
        return new DecisionStats(total, total - review, review, audits, skipped);
    }

    /// <summary>Every product's decisions in the range, the time index the only one the filters can use.</summary>
    private async Task<DecisionStats> CountDuringAsync(DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        Expression<Func<RoutingDecisionDocument, bool>> during = d => d.DecidedAt >= from && d.DecidedAt < to;
        var total = await _decisions.CountAsync(during, cancellationToken);
        var review = await _decisions.CountAsync(Filters.And(during, d => d.Outcome == RoutingOutcome.ReviewRequested), cancellationToken);
        var audits = await _decisions.CountAsync(Filters.And(during, d => d.Outcome == RoutingOutcome.AutoApproved && d.Audit), cancellationToken);
        var skipped = await _decisions.CountAsync(
            Filters.And(during, d => d.Outcome == RoutingOutcome.AutoApproved && !d.Audit && d.BudgetSkipped), cancellationToken);
        return new DecisionStats(total, total - review, review, audits, skipped);
    }

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
