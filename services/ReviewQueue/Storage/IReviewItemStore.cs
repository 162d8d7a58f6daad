using HitlLoop.ReviewQueue.Queue;

namespace HitlLoop.ReviewQueue.Storage;

public interface IReviewItemStore
{
    /// <summary>Adds the item unless one exists for the same response; false for a duplicate.</summary>
    Task<bool> EnqueueOnceAsync(ReviewItem item, CancellationToken cancellationToken);

    Task<ReviewItem?> FindAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReviewItem>> ListAsync(ReviewStatus? status, string? productId, int limit, CancellationToken cancellationToken);

    /// <summary>Takes the first claimable item in queue order for the reviewer; null when the queue is empty.</summary>
    Task<ReviewItem?> ClaimNextAsync(string reviewerId, TimeSpan lease, DateTime now, CancellationToken cancellationToken);

    /// <summary>Applies a change only if nobody changed the item since <paramref name="expectedVersion"/>.</summary>
    Task<bool> TryReplaceAsync(ReviewItem updated, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes the item's pending events and clears them; if the broker is unavailable they stay stored for the
    /// outbox sweeper, and this returns normally.
    /// </summary>
    Task DispatchAsync(ReviewItem item, CancellationToken cancellationToken);

    Task<long> CountAsync(ReviewStatus status, CancellationToken cancellationToken);

    /// <summary>Open items (pending or claimed) whose due time has passed: the SLA breaches a lead must see.</summary>
    Task<long> CountOverdueAsync(DateTime now, CancellationToken cancellationToken);
}
