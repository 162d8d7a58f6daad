using HitlLoop.Contracts;
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
}

public sealed record DeskResult(DeskOutcome Outcome, ReviewItem? Item = null);

/// <summary>A reviewer's actions on the queue: claim, release, submit.</summary>
public sealed class ReviewDesk(IReviewItemStore items, IOptions<ReviewQueueOptions> options, TimeProvider clock)
{
    public static ReviewItem Claim(ReviewItem item, string reviewerId, TimeSpan lease, DateTime now) => item with
    {
        Status = ReviewStatus.Claimed,
        ClaimedBy = reviewerId,
        ClaimedAt = now,
        LeaseExpiresAt = now + lease,
        Version = item.Version + 1,
    };

    public Task<ReviewItem?> ClaimNextAsync(string reviewerId, CancellationToken cancellationToken) =>
        items.ClaimNextAsync(reviewerId, options.Value.LeaseDuration, Now, cancellationToken);

    public async Task<DeskResult> ClaimAsync(string id, string reviewerId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var item = await items.FindAsync(id, cancellationToken);
            var now = Now;
            var refusal = item switch
            {
                null => DeskOutcome.NotFound,
                { Status: ReviewStatus.Completed } => DeskOutcome.AlreadyCompleted,
                _ when item.IsClaimable(now) || item.IsHeldBy(reviewerId, now) => (DeskOutcome?)null,
                _ => DeskOutcome.HeldByAnother,
            };
            if (refusal is { } outcome)
            {
                return new DeskResult(outcome, item);
            }

            var claimed = Claim(item!, reviewerId, options.Value.LeaseDuration, now);
            if (await items.TryReplaceAsync(claimed, item!.Version, cancellationToken))
            {
                return new DeskResult(DeskOutcome.Done, claimed);
            }
        }
    }

    public async Task<DeskResult> ReleaseAsync(string id, string reviewerId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var item = await items.FindAsync(id, cancellationToken);
            if (item is null)
            {
                return new DeskResult(DeskOutcome.NotFound);
            }

            if (!item.IsHeldBy(reviewerId, Now))
            {
                return new DeskResult(DeskOutcome.NotHeld, item);
            }

            var released = item with
            {
                Status = ReviewStatus.Pending,
                ClaimedBy = null,
                LeaseExpiresAt = DateTime.MinValue,
                Version = item.Version + 1,
            };
            if (await items.TryReplaceAsync(released, item.Version, cancellationToken))
            {
                return new DeskResult(DeskOutcome.Done, released);
            }
        }
    }

    /// <summary>
    /// Completes the review and stores its ReviewCompleted in the same write, so the event survives a crash
    /// between the write and the publish.
    /// </summary>
    public async Task<DeskResult> SubmitAsync(string id, string reviewerId, ReviewSubmission submission, CancellationToken cancellationToken)
    {
        while (true)
        {
            var item = await items.FindAsync(id, cancellationToken);
            var now = Now;
            if (item is null)
            {
                return new DeskResult(DeskOutcome.NotFound);
            }

            if (item.Status == ReviewStatus.Completed)
            {
                return new DeskResult(DeskOutcome.AlreadyCompleted, item);
            }

            if (!item.IsHeldBy(reviewerId, now))
            {
                return new DeskResult(DeskOutcome.NotHeld, item);
            }

            var completed = Complete(item, reviewerId, submission, now);
            if (await items.TryReplaceAsync(completed, item.Version, cancellationToken))
            {
                await items.DispatchAsync(completed, cancellationToken);
                return new DeskResult(DeskOutcome.Done, completed);
            }
        }
    }

    private ReviewItem Complete(ReviewItem item, string reviewerId, ReviewSubmission submission, DateTime now)
    {
        var response = item.Request.Response;
        var result = new CompletedReview
        {
            ReviewId = $"{item.Id}:{reviewerId}",
            ReviewerId = reviewerId,
            Verdict = submission.Verdict!.Value,
            CorrectedText = submission.Verdict == ReviewVerdict.Edited ? submission.CorrectedText : null,
            CompletedAt = now,
            DurationSeconds = Math.Max(0, (now - item.ClaimedAt).TotalSeconds),
        };
        var completedEvent = new ReviewCompleted
        {
            ReviewId = result.ReviewId,
            ResponseId = response.ResponseId,
            ProductId = response.ProductId,
            ConversationId = response.ConversationId,
            ReviewerId = reviewerId,
            Verdict = result.Verdict,
            Query = response.Query,
            Context = response.Context,
            OriginalText = response.Response,
            CorrectedText = result.CorrectedText,
            Ratings = submission.Ratings ?? new ReviewRatings(),
            Labels = submission.Labels ?? [],
            Categories = submission.Categories ?? [],
            Severity = submission.Severity,
            Notes = submission.Notes,
            ShouldLearn = submission.ShouldLearn ?? true,
            ReviewDurationSeconds = result.DurationSeconds,
            TriggerCodes = [.. item.Request.Triggers.Select(t => t.Code)],
            ModelVersion = response.ModelVersion,
            CompletedAt = new DateTimeOffset(now, TimeSpan.Zero),
        };

        return item with
        {
            Status = ReviewStatus.Completed,
            LeaseExpiresAt = DateTime.MinValue,
            Result = result,
            Outbox = [Outbox.Message(completedEvent, clock)],
            OutboxPending = true,
            Version = item.Version + 1,
        };
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}
