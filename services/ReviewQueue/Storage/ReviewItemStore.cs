using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ReviewQueue.Storage;

internal sealed class ReviewItemStore : IReviewItemStore, IStoreSetup
{
    private const int ClaimCandidates = 8;
    private readonly OutboxDispatcher _dispatcher;

    public ReviewItemStore(IDocumentStoreFactory stores, OutboxDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
        Items = stores.ForService(ReviewQueueService.ServiceName).GetCollection<ReviewItem>("review-items");
    }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await Items.EnsureIndexAsync(i => i.Status, cancellationToken: cancellationToken);
        await Items.EnsureIndexAsync(i => i.QueueKey, cancellationToken: cancellationToken);
        await Items.EnsureIndexAsync(i => i.OutboxPending, cancellationToken: cancellationToken);
    }

    public IDocumentCollection<ReviewItem> Items { get; }

    public Task<bool> EnqueueOnceAsync(ReviewItem item, CancellationToken cancellationToken) =>
        Items.TryInsertAsync(item, cancellationToken);

    public Task<ReviewItem?> FindAsync(string id, CancellationToken cancellationToken) =>
        Items.FindByIdAsync(id, cancellationToken);

    public Task<IReadOnlyList<ReviewItem>> ListAsync(ReviewStatus? status, string? productId, int limit, CancellationToken cancellationToken) =>
        (status, productId) switch
        {
            (null, null) => Items.FindAsync(i => true, i => i.QueueKey, limit: limit, cancellationToken: cancellationToken),
            ({ } s, null) => Items.FindAsync(i => i.Status == s, i => i.QueueKey, limit: limit, cancellationToken: cancellationToken),
            (null, { } p) => Items.FindAsync(i => i.ProductId == p, i => i.QueueKey, limit: limit, cancellationToken: cancellationToken),
            ({ } s, { } p) => Items.FindAsync(i => i.Status == s && i.ProductId == p, i => i.QueueKey, limit: limit, cancellationToken: cancellationToken),
        };

    public async Task<ReviewItem?> ClaimNextAsync(string reviewerId, TimeSpan lease, DateTime now, CancellationToken cancellationToken)
    {
        // Competing reviewers read the same head of the queue; the version check lets exactly one win each item,
        // and a loser moves on to the next candidate.
        while (true)
        {
            var candidates = await Items.FindAsync(
                i => i.Status == ReviewStatus.Pending || (i.Status == ReviewStatus.Claimed && i.LeaseExpiresAt <= now),
                i => i.QueueKey,
                limit: ClaimCandidates,
                cancellationToken: cancellationToken);
            if (candidates.Count == 0)
            {
                return null;
            }

            foreach (var candidate in candidates)
            {
                var claimed = ReviewDesk.Claim(candidate, reviewerId, lease, now);
                if (await Items.TryReplaceAsync(claimed, candidate.Version, cancellationToken))
                {
                    return claimed;
                }
            }
        }
    }

    public Task<bool> TryReplaceAsync(ReviewItem updated, long expectedVersion, CancellationToken cancellationToken) =>
        Items.TryReplaceAsync(updated, expectedVersion, cancellationToken);

    public Task DispatchAsync(ReviewItem item, CancellationToken cancellationToken) =>
        _dispatcher.TryDispatchAsync(Items, item, cancellationToken);

    public Task<long> CountAsync(ReviewStatus status, CancellationToken cancellationToken) =>
        Items.CountAsync(i => i.Status == status, cancellationToken);

    public Task<long> CountOverdueAsync(DateTime now, CancellationToken cancellationToken) =>
        Items.CountAsync(i => (i.Status == ReviewStatus.Pending || i.Status == ReviewStatus.Claimed) && i.DueBy < now, cancellationToken);
}
