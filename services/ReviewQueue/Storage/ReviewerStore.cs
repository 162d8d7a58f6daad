using HitlLoop.ReviewQueue.Reviewers;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.ReviewQueue.Storage;

public interface IReviewerStore
{
    /// <summary>The reviewer, registered with defaults the first time their token is seen.</summary>
    Task<Reviewer> GetOrRegisterAsync(string id, string name, CancellationToken cancellationToken);

    Task<Reviewer?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Reviewers in registration order after the cursor <paramref name="after"/>.</summary>
    Task<IReadOnlyList<Reviewer>> ListAsync(long? after, int limit, CancellationToken cancellationToken);

    /// <summary>Applies a change to the stored reviewer, registering them first when <paramref name="seed"/> is given.</summary>
    Task<Reviewer?> ChangeAsync(string id, Func<Reviewer, Reviewer?> change, Reviewer? seed, CancellationToken cancellationToken);
}

internal sealed class ReviewerStore(IDocumentStoreFactory stores, IOptions<ReviewQueueOptions> options, TimeProvider clock) : IReviewerStore, IStoreSetup
{
    private readonly IDocumentCollection<Reviewer> _reviewers =
        stores.ForService(ReviewQueueService.ServiceName).GetCollection<Reviewer>("reviewers");

    /// <summary>Profiles in configuration are a seed: registered once, managed over HTTP after that.</summary>
    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _reviewers.EnsureIndexAsync(r => r.ListKey, cancellationToken: cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var profile in options.Value.Reviewers)
        {
            await _reviewers.TryInsertAsync(profile.ToReviewer(now), cancellationToken);
        }
    }

    public async Task<Reviewer> GetOrRegisterAsync(string id, string name, CancellationToken cancellationToken) =>
        // Read first: every claim asks, and almost every reviewer is known already.
        await _reviewers.FindByIdAsync(id, cancellationToken)
        ?? await _reviewers.InsertOnceAsync(Reviewer.Register(id, name, clock.GetUtcNow().UtcDateTime), cancellationToken);

    public Task<Reviewer?> FindAsync(string id, CancellationToken cancellationToken) => _reviewers.FindByIdAsync(id, cancellationToken);

    public Task<IReadOnlyList<Reviewer>> ListAsync(long? after, int limit, CancellationToken cancellationToken)
    {
        var from = after ?? long.MinValue;
        return _reviewers.FindAsync(r => r.ListKey > from, r => r.ListKey, limit: limit, cancellationToken: cancellationToken);
    }

    public async Task<Reviewer?> ChangeAsync(string id, Func<Reviewer, Reviewer?> change, Reviewer? seed, CancellationToken cancellationToken) =>
        seed is null
            ? await _reviewers.UpdateAsync(id, change, cancellationToken)
            : await _reviewers.UpsertAsync(seed, change, cancellationToken);
}
