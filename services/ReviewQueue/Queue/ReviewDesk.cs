using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults.Outbox;
using Microsoft.Extensions.Options;

namespace HitlLoop.ReviewQueue.Queue;

public enum DeskOutcome
{
    Done,
    NotFound,
    HeldByAnother,
    NotHeld,
    AlreadyCompleted,
    AlreadyReviewed,
    Skipped,
}

public sealed record DeskResult(DeskOutcome Outcome, ReviewItem? Item = null);

/// <summary>A reviewer's actions on the queue: claim, extend, release, skip, submit. Each is one transition of the item.</summary>
public sealed class ReviewDesk(IReviewItemStore items, DocumentOutbox<ReviewItem> outbox, IOptions<ReviewQueueOptions> options, TimeProvider clock)
{
    private TimeSpan Lease => options.Value.LeaseDuration;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public Task<ReviewItem?> ClaimNextAsync(string reviewerId, IReadOnlyCollection<string> matchKeys, CancellationToken cancellationToken) =>
        items.ClaimNextAsync(reviewerId, matchKeys, Lease, Now, cancellationToken);

    public Task<DeskResult> ClaimAsync(string id, string reviewerId, CancellationToken cancellationToken) =>
        ApplyAsync(id, item => item.Claim(reviewerId, Lease, Now), cancellationToken);

    public Task<DeskResult> ExtendAsync(string id, string reviewerId, CancellationToken cancellationToken) =>
        ApplyAsync(id, item => item.Extend(reviewerId, Lease, Now), cancellationToken);

    public Task<DeskResult> ReleaseAsync(string id, string reviewerId, CancellationToken cancellationToken) =>
        ApplyAsync(id, item => item.Release(reviewerId, Now), cancellationToken);

    public Task<DeskResult> SkipAsync(string id, string reviewerId, string reason, CancellationToken cancellationToken) =>
        ApplyAsync(id, item => item.Skip(reviewerId, reason, Now), cancellationToken);

    /// <summary>
    /// Stores the review with its ReviewCompleted in the same write, so the event survives a crash between the write
    /// and the publish; then publishes it (or leaves it to the outbox sweeper if the broker is away).
    /// </summary>
    public async Task<DeskResult> SubmitAsync(string id, string reviewerId, ReviewSubmission submission, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(id, item => item.Submit(reviewerId, submission, Now, clock), cancellationToken);
        if (result.Outcome == DeskOutcome.Done)
        {
            await outbox.PublishAsync(result.Item!, cancellationToken);
        }

        return result;
    }

    private async Task<DeskResult> ApplyAsync(string id, Func<ReviewItem, ItemChange> transition, CancellationToken cancellationToken) =>
        await items.ChangeAsync(id, transition, cancellationToken) switch
        {
            null => new DeskResult(DeskOutcome.NotFound),
            { Refusal: { } refusal, Item: var item } => new DeskResult(refusal, item),
            { Item: var item } => new DeskResult(DeskOutcome.Done, item),
        };
}
