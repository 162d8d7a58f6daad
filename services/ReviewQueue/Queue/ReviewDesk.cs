using HitlLoop.ReviewQueue.Reviewers;
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
    Deactivated,
    Away,
    AtCapacity,
}

public sealed record DeskResult(DeskOutcome Outcome, ReviewItem? Item = null);

/// <summary>A reviewer's actions on the queue: claim, extend, release, skip, submit. Each is one transition of the item.</summary>
public sealed class ReviewDesk(
    IReviewItemStore items, IReviewerStore reviewers, DocumentOutbox<ReviewItem> outbox, IOptions<ReviewQueueOptions> options, TimeProvider clock)
{
    private TimeSpan Lease => options.Value.LeaseDuration;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The next item for the reviewer, their specializations first; NotFound when the queue has nothing for them.</summary>
    public async Task<DeskResult> ClaimNextAsync(string reviewerId, string reviewerName, CancellationToken cancellationToken)
    {
        var (reviewer, refusal) = await MayTakeWorkAsync(reviewerId, reviewerName, cancellationToken);
        if (refusal is { } outcome)
        {
            return new DeskResult(outcome);
        }

        return await items.ClaimNextAsync(reviewerId, reviewer.MatchKeys(), Lease, Now, cancellationToken) is { } item
            ? new DeskResult(DeskOutcome.Done, item)
            : new DeskResult(DeskOutcome.NotFound);
    }

    public async Task<DeskResult> ClaimAsync(string id, string reviewerId, string reviewerName, CancellationToken cancellationToken)
    {
        var (_, refusal) = await MayTakeWorkAsync(reviewerId, reviewerName, cancellationToken, alreadyHeld: id);
        return refusal is { } outcome
            ? new DeskResult(outcome)
            : await ApplyAsync(id, item => item.Claim(reviewerId, Lease, Now), cancellationToken);
    }

    public Task<DeskResult> ExtendAsync(string id, string reviewerId, CancellationToken cancellationToken) =>
        ApplyAsync(id, item => item.Extend(reviewerId, Lease, Now), cancellationToken);

    public Task<DeskResult> ReleaseAsync(string id, string reviewerId, CancellationToken cancellationToken) =>
        ApplyAsync(id, item => item.Release(reviewerId, Now), cancellationToken);

    public Task<DeskResult> SkipAsync(string id, string reviewerId, string reason, CancellationToken cancellationToken) =>
        ApplyAsync(id, item => item.Skip(reviewerId, reason, Now), cancellationToken);

    /// <summary>
    /// Stores the review with its ReviewCompleted in the same write, so the event survives a crash between the write
    /// and the publish; then publishes it (or leaves it to the outbox sweeper if the broker is away) and counts the review
    /// in the reviewer's stats.
    /// </summary>
    public async Task<DeskResult> SubmitAsync(string id, string reviewerId, ReviewSubmission submission, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(id, item => item.Submit(reviewerId, submission, Now, clock), cancellationToken);
        if (result.Outcome == DeskOutcome.Done)
        {
            // Side by side: the embedded store can then commit the emptied outbox and the reviewer's stats together.
            var review = result.Item!.Reviews.Last(r => r.ReviewerId == reviewerId);
            await Task.WhenAll(
                outbox.PublishAsync(result.Item!, cancellationToken),
                reviewers.ChangeAsync(reviewerId, r => r.WithReview(review.ReviewId, review.DurationSeconds, Now), seed: null, cancellationToken));
        }

        return result;
    }

    /// <summary>A deactivated or away reviewer takes no work, nor one already holding as many items as they may.</summary>
    private async Task<(Reviewer Reviewer, DeskOutcome? Refusal)> MayTakeWorkAsync(
        string reviewerId, string reviewerName, CancellationToken cancellationToken, string? alreadyHeld = null)
    {
        var reviewer = await reviewers.GetOrRegisterAsync(reviewerId, reviewerName, cancellationToken);
        if (reviewer.Deactivated)
        {
            return (reviewer, DeskOutcome.Deactivated);
        }

        if (reviewer.Availability == ReviewerAvailability.Away)
        {
            return (reviewer, DeskOutcome.Away);
        }

        var now = Now;
        var held = (await items.HeldByAsync(reviewerId, cancellationToken)).Count(i => i.Id != alreadyHeld && i.IsHeldBy(reviewerId, now));
        return (reviewer, held >= reviewer.MaxHeld ? DeskOutcome.AtCapacity : null);
    }

    private async Task<DeskResult> ApplyAsync(string id, Func<ReviewItem, ItemChange> transition, CancellationToken cancellationToken) =>
        await items.ChangeAsync(id, transition, cancellationToken) switch
        {
            null => new DeskResult(DeskOutcome.NotFound),
            { Refusal: { } refusal, Item: var item } => new DeskResult(refusal, item),
            { Item: var item } => new DeskResult(DeskOutcome.Done, item),
        };
}
