using System.Linq.Expressions;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ReviewQueue.Storage;

internal sealed class ReviewItemStore(IDocumentStoreFactory stores, QueueChanges changes, TimeProvider clock) : IReviewItemStore, IStoreSetup, IDisposable
{
    public IDocumentCollection<ReviewItem> Items { get; } =
        stores.ForService(ReviewQueueService.ServiceName).GetCollection<ReviewItem>("review-items");

    private readonly IDocumentCollection<QueueCounter> _counters =
        stores.ForService(ReviewQueueService.ServiceName).GetCollection<QueueCounter>("queue-counters");

    // Changes to the counts this replica made and has not added to the stored counter yet.
    private readonly Lock _unflushedLock = new();
    private CountDelta _unflushed;
    private readonly SemaphoreSlim _flushGate = new(1, 1);

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        // ClaimRank serves claim-next and the pending list in queue order; finished items sort past every open one.
        await Items.EnsureIndexAsync(i => i.ClaimRank, cancellationToken: cancellationToken);
        // Rank pages the whole list and DoneRank the completed one, in order, however long the history.
        await Items.EnsureIndexAsync(i => i.Rank, cancellationToken: cancellationToken);
        await Items.EnsureIndexAsync(i => i.DoneRank, cancellationToken: cancellationToken);
        await Items.EnsureIndexAsync(i => i.Holders, cancellationToken: cancellationToken);
        await Items.EnsureIndexAsync(i => i.NextLeaseExpiry, cancellationToken: cancellationToken);
        await Items.EnsureIndexAsync(i => i.BreachCheckAt, cancellationToken: cancellationToken);
        await Items.EnsureIndexAsync(i => i.OutboxPending, cancellationToken: cancellationToken);
        await RecountAsync(cancellationToken);
    }

    /// <summary>Sets the counts from the items themselves (at start-up, before the bus delivers anything).</summary>
    public async Task RecountAsync(CancellationToken cancellationToken)
    {
        var never = DateTime.MaxValue;
        var open = await Items.CountAsync(i => i.ClaimRank < ReviewItem.Closed, cancellationToken);
        var claimed = await Items.CountAsync(i => i.NextLeaseExpiry < never && i.OpenSlots == 0 && i.ClaimRank < ReviewItem.Closed, cancellationToken);
        var completed = await Items.CountAsync(i => i.DoneRank >= 0, cancellationToken);
        var overdue = await Items.CountAsync(i => i.ClaimRank < ReviewItem.Closed && i.SlaBreachedAt != null, cancellationToken);
        var byPriority = new Dictionary<ReviewPriority, int>();
        foreach (var priority in Enum.GetValues<ReviewPriority>())
        {
            byPriority[priority] = (int)await Items.CountAsync(i => i.ClaimRank < ReviewItem.Closed && i.Priority == priority, cancellationToken);
        }

        await _counters.TryInsertAsync(new QueueCounter(), cancellationToken);
        lock (_unflushedLock)
        {
            _unflushed = default;
        }

        await _counters.FindOneAndUpdateAsync(
            c => c.Id == QueueCounter.Key,
            c => c.Id,
            new DocumentUpdate<QueueCounter>()
                .Set(c => c.Pending, (int)(open - claimed))
                .Set(c => c.Claimed, (int)claimed)
                .Set(c => c.Completed, (int)completed)
                .Set(c => c.Overdue, (int)overdue)
                .Set(c => c.OpenUrgent, byPriority[ReviewPriority.Urgent])
                .Set(c => c.OpenHigh, byPriority[ReviewPriority.High])
                .Set(c => c.OpenMedium, byPriority[ReviewPriority.Medium])
                .Set(c => c.OpenLow, byPriority[ReviewPriority.Low]),
            cancellationToken: cancellationToken);
    }

    public async Task<bool> EnqueueOnceAsync(ReviewItem item, CancellationToken cancellationToken)
    {
        var added = await Items.TryInsertAsync(item, cancellationToken);
        if (added)
        {
            Note(null, item);
        }

        return added;
    }

    public Task<ReviewItem?> FindAsync(string id, CancellationToken cancellationToken) =>
        Items.FindByIdAsync(id, cancellationToken);

    public async Task<ReviewPage> ListAsync(ReviewListQuery query, CancellationToken cancellationToken)
    {
        var after = query.After ?? -1;
        // Captured, not written inline: LiteDB's LINQ cannot translate DateTime.MaxValue as a member.
        var never = DateTime.MaxValue;
        Expression<Func<ReviewItem, bool>> filter = query.Status switch
        {
            ReviewStatus.Pending => i => i.ClaimRank > after && i.ClaimRank < ReviewItem.Closed && i.OpenSlots > 0,
            ReviewStatus.Claimed => i => i.NextLeaseExpiry < never && i.Rank > after,
            ReviewStatus.Completed => i => i.DoneRank > after,
            _ => i => i.Rank > after,
        };
        if (query.ProductId is { } productId)
        {
            filter = Filters.And(filter, i => i.ProductId == productId);
        }

        var found = query.Status switch
        {
            ReviewStatus.Pending => await Items.FindAsync(filter, i => i.ClaimRank, limit: query.Limit + 1, cancellationToken: cancellationToken),
            ReviewStatus.Completed => await Items.FindAsync(filter, i => i.DoneRank, limit: query.Limit + 1, cancellationToken: cancellationToken),
            _ => await Items.FindAsync(filter, i => i.Rank, limit: query.Limit + 1, cancellationToken: cancellationToken),
        };
        var page = found.Take(query.Limit).ToList();
        return new ReviewPage(page, found.Count > query.Limit ? page[^1].Rank : null);
    }

    // A reviewer holds a handful of items at most (ReviewerProfile.MaxHeldLimit), so they are put in order here
    // rather than by a sort in the store.
    public async Task<IReadOnlyList<ReviewItem>> HeldByAsync(string reviewerId, CancellationToken cancellationToken) =>
        [.. (await Items.FindAsync(i => i.Holders.Contains(reviewerId), limit: 100, cancellationToken)).OrderBy(i => i.Rank)];

    public async Task<ReviewItem?> ClaimNextAsync(
        string reviewerId, IReadOnlyCollection<string> matchKeys, TimeSpan lease, DateTime now, CancellationToken cancellationToken)
    {
        var claim = new ReviewClaim(reviewerId, now, now + lease);
        // The same changes ReviewItem.Claim makes, expressed as field operations so the store can apply them to
        // whichever item it finds first, in one atomic step.
        var take = new DocumentUpdate<ReviewItem>()
            .Increment(i => i.OpenSlots, -1)
            .Append(i => i.Claims, claim)
            .Append(i => i.Holders, reviewerId)
            .Append(i => i.Excluded, reviewerId)
            .Lower(i => i.NextLeaseExpiry, claim.LeaseExpiresAt);
        Expression<Func<ReviewItem, bool>> claimable = i =>
            i.ClaimRank < ReviewItem.Closed && i.OpenSlots > 0 && !i.Excluded.Contains(reviewerId);

        var claimed = await TakeAsync(claimable, matchKeys, take, now, cancellationToken);
        if (claimed is not null)
        {
            // Before the claim the item had this open review and not this reviewer's claim.
            var before = claimed with { OpenSlots = claimed.OpenSlots + 1, Claims = [.. claimed.Claims.Where(c => c.ReviewerId != reviewerId)] };
            Note(before, claimed);
        }

        return claimed;
    }

    private async Task<ReviewItem?> TakeAsync(
        Expression<Func<ReviewItem, bool>> claimable, IReadOnlyCollection<string> matchKeys, DocumentUpdate<ReviewItem> take, DateTime now, CancellationToken cancellationToken)
    {
        if (matchKeys.Count > 0)
        {
            // Specialists get their own kind of work first, but an overdue item goes to whoever is free.
            var head = await Items.FindAsync(claimable, i => i.ClaimRank, limit: 1, cancellationToken: cancellationToken);
            if (head is [{ } first] && first.DueBy <= now)
            {
                var id = first.Id;
                if (await Items.FindOneAndUpdateAsync(Filters.And(claimable, i => i.Id == id), i => i.ClaimRank, take, cancellationToken: cancellationToken) is { } overdue)
                {
                    return overdue;
                }
            }

            if (await Items.FindOneAndUpdateAsync(Filters.And(claimable, MatchesAny(matchKeys)), i => i.ClaimRank, take, cancellationToken: cancellationToken) is { } matched)
            {
                return matched;
            }
        }

        return await Items.FindOneAndUpdateAsync(claimable, i => i.ClaimRank, take, cancellationToken: cancellationToken);
    }

    public async Task<ItemChange?> ChangeAsync(string id, Func<ReviewItem, ItemChange> transition, CancellationToken cancellationToken)
    {
        ItemChange? last = null;
        ReviewItem? before = null;
        var stored = await Items.UpdateAsync(
            id,
            item =>
            {
                before = item;
                last = transition(item);
                return last.Changed ? last.Item : null;
            },
            cancellationToken);
        if (stored is null)
        {
            return null;
        }

        if (last!.Changed)
        {
            Note(before, last.Item);
        }

        return last;
    }

    public Task<IReadOnlyList<ReviewItem>> LeasesRunOutAsync(DateTime now, int limit, CancellationToken cancellationToken) =>
        Items.FindAsync(i => i.NextLeaseExpiry <= now, i => i.NextLeaseExpiry, limit: limit, cancellationToken: cancellationToken);

    public Task<IReadOnlyList<ReviewItem>> BreachesDueAsync(DateTime now, int limit, CancellationToken cancellationToken) =>
        Items.FindAsync(i => i.BreachCheckAt <= now, i => i.BreachCheckAt, limit: limit, cancellationToken: cancellationToken);

    public async Task<QueueCounts> CountAsync(CancellationToken cancellationToken)
    {
        // A flush moves changes from memory to the stored counter; reading halfway would miss them.
        await _flushGate.WaitAsync(cancellationToken);
        try
        {
            var counter = await _counters.FindByIdAsync(QueueCounter.Key, cancellationToken) ?? new QueueCounter();
            CountDelta unflushed;
            lock (_unflushedLock)
            {
                unflushed = _unflushed;
            }

            return new QueueCounts(
                counter.Pending + unflushed.Pending,
                counter.Claimed + unflushed.Claimed,
                counter.Completed + unflushed.Completed,
                counter.Overdue + unflushed.Overdue,
                new OpenByPriority(
                    counter.OpenUrgent + unflushed.OpenUrgent,
                    counter.OpenHigh + unflushed.OpenHigh,
                    counter.OpenMedium + unflushed.OpenMedium,
                    counter.OpenLow + unflushed.OpenLow));
        }
        finally
        {
            _flushGate.Release();
        }
    }

    public async Task FlushCountsAsync(CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken);
        try
        {
            CountDelta delta;
            lock (_unflushedLock)
            {
                (delta, _unflushed) = (_unflushed, default);
            }

            if (delta.IsZero)
            {
                return;
            }

            try
            {
                await _counters.FindOneAndUpdateAsync(c => c.Id == QueueCounter.Key, c => c.Id, delta.AsUpdate(), cancellationToken: cancellationToken);
            }
            catch
            {
                lock (_unflushedLock)
                {
                    _unflushed += delta;
                }

                throw;
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Notes a stored change in the counts and tells the live stream about it.</summary>
    private void Note(ReviewItem? before, ReviewItem after)
    {
        lock (_unflushedLock)
        {
            _unflushed += QueueCounter.Difference(before, after);
        }

        changes.Announce(before, after, clock.GetUtcNow().UtcDateTime);
    }

    private static Expression<Func<ReviewItem, bool>> MatchesAny(IEnumerable<string> keys)
    {
        var item = Expression.Parameter(typeof(ReviewItem), "i");
        var matchKeys = Expression.Property(item, nameof(ReviewItem.MatchKeys));
        var any = keys
            .Select(key => (Expression)Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], matchKeys, Expression.Constant(key)))
            .Aggregate(Expression.OrElse);
        return Expression.Lambda<Func<ReviewItem, bool>>(any, item);
    }

    public void Dispose() => _flushGate.Dispose();
}
