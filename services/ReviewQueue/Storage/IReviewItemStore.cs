using HitlLoop.ReviewQueue.Queue;

namespace HitlLoop.ReviewQueue.Storage;

public interface IReviewItemStore
{
    /// <summary>Adds the item unless one exists for the same response; false for a duplicate.</summary>
    Task<bool> EnqueueOnceAsync(ReviewItem item, CancellationToken cancellationToken);

    Task<ReviewItem?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>One page of the queue in its order, after the cursor a previous page returned.</summary>
    Task<ReviewPage> ListAsync(ReviewListQuery query, CancellationToken cancellationToken);

    /// <summary>The items the reviewer holds a claim on.</summary>
    Task<IReadOnlyList<ReviewItem>> HeldByAsync(string reviewerId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically takes one open review of the first item in queue order that the reviewer has not held, given or
    /// skipped: an overdue one first, then one matching <paramref name="matchKeys"/>, then any. Null when none is left.
    /// </summary>
    Task<ReviewItem?> ClaimNextAsync(string reviewerId, IReadOnlyCollection<string> matchKeys, TimeSpan lease, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a transition to the stored item in one versioned write (re-reading and re-applying it if another
    /// writer got there first); null when there is no such item.
    /// </summary>
    Task<ItemChange?> ChangeAsync(string id, Func<ReviewItem, ItemChange> transition, CancellationToken cancellationToken);

    /// <summary>Items holding a lease that ran out by <paramref name="now"/>.</summary>
    Task<IReadOnlyList<ReviewItem>> LeasesRunOutAsync(DateTime now, int limit, CancellationToken cancellationToken);

    /// <summary>Open items past their due-by that are not flagged as SLA breaches yet.</summary>
    Task<IReadOnlyList<ReviewItem>> BreachesDueAsync(DateTime now, int limit, CancellationToken cancellationToken);

    /// <summary>The counts: stored ones plus this replica's changes not added to them yet.</summary>
    Task<QueueCounts> CountAsync(CancellationToken cancellationToken);

    /// <summary>Adds this replica's count changes to the stored counts (the queue watch does so every second).</summary>
    Task FlushCountsAsync(CancellationToken cancellationToken);
}

public sealed record ReviewListQuery(ReviewStatus? Status, string? ProductId, long? After, int Limit);

public sealed record ReviewPage(IReadOnlyList<ReviewItem> Items, long? Next);

public sealed record QueueCounts(long Pending, long Claimed, long Completed, long Overdue, OpenByPriority Open);

/// <summary>Open items (pending or claimed) of each priority.</summary>
public sealed record OpenByPriority(long Urgent, long High, long Medium, long Low);
