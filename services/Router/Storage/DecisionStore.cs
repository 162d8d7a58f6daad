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

    /// <summary>Batches in flight at once: while one is written, the next fills.</summary>
    private const int MaxFlushes = 4;

    private readonly IDocumentCollection<RoutingDecisionDocument> _decisions;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _flushing;

    public DecisionStore(IDocumentStoreFactory stores)
    {
        _decisions = stores.ForService(RouterService.ServiceName).GetCollection<RoutingDecisionDocument>("decisions");
    }

    /// <summary>The stats' indexes: decisions are otherwise only read by id.</summary>
    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _decisions.EnsureIndexAsync(d => d.ProductId, cancellationToken: cancellationToken);
        await _decisions.EnsureIndexAsync(d => d.Outcome, cancellationToken: cancellationToken);
        await _decisions.EnsureIndexAsync(d => d.DecidedAt, cancellationToken: cancellationToken);
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
                // Stand down; a decision queued after the last look, when every flush was busy, starts one again.
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
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done(standing[i]);
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

    public Task<DecisionStats> StatsAsync(string? productId, CancellationToken cancellationToken) =>
        CountAsync(productId is null ? null : d => d.ProductId == productId, cancellationToken);

    public Task<DecisionStats> StatsAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken) =>
        CountAsync(
            productId is null
                ? d => d.DecidedAt >= from && d.DecidedAt < to
                : d => d.ProductId == productId && d.DecidedAt >= from && d.DecidedAt < to,
            cancellationToken);

    private async Task<DecisionStats> CountAsync(Expression<Func<RoutingDecisionDocument, bool>>? scope, CancellationToken cancellationToken)
    {
        var total = await _decisions.CountAsync(scope ?? (d => true), cancellationToken);
        var review = await _decisions.CountAsync(Filters.And(scope, d => d.Outcome == RoutingOutcome.ReviewRequested), cancellationToken);
        var audits = await _decisions.CountAsync(Filters.And(scope, d => d.Audit), cancellationToken);
        var skipped = await _decisions.CountAsync(Filters.And(scope, d => d.BudgetSkipped), cancellationToken);
        return new DecisionStats(total, total - review, review, audits, skipped);
    }

    private sealed class Pending(RoutingDecisionDocument decision)
    {
        private readonly TaskCompletionSource<RoutingDecisionDocument> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RoutingDecisionDocument Decision { get; } = decision;

        public Task<RoutingDecisionDocument> Task => _done.Task;

        public void Done(RoutingDecisionDocument standing) => _done.TrySetResult(standing);

        public void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
