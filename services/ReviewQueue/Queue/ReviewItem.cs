using System.Security.Cryptography;
using System.Text;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ReviewQueue.Queue;

/// <summary>
/// Stored as Pending until the last required review is in, then Completed. "Claimed" is what a reader sees of a
/// pending item whose every open review is held by someone.
/// </summary>
public enum ReviewStatus
{
    Pending,
    Claimed,
    Completed,
}

/// <summary>
/// A response waiting for its human reviews, one item per response id. Each transition is a pure function
/// returning the next item (version advanced, derived fields recomputed) or the reason it cannot happen.
/// </summary>
public sealed record ReviewItem : IHasOutbox<ReviewItem>
{
    /// <summary>Sorts after every real rank: the item can never be claimed again.</summary>
    public const long Closed = long.MaxValue;

    /// <summary>The response id: a second ReviewRequested for the same response finds this item and stops.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required ReviewRequested Request { get; init; }
    public ReviewStatus Status { get; init; }
    public ReviewPriority Priority { get; init; }
    public required string ProductId { get; init; }
    public DateTime DueBy { get; init; }
    public DateTime EnqueuedAt { get; init; }
    public DateTime? CompletedAt { get; init; }

    /// <summary>How many different reviewers must review the item (1–3).</summary>
    public int RequiredReviews { get; init; } = 1;

    /// <summary>Reviews nobody holds or has given yet; claim-next takes one atomically.</summary>
    public int OpenSlots { get; init; }

    /// <summary>Queue order: priority, then due-by, then learning value (see <see cref="RankOf"/>).</summary>
    public long Rank { get; init; }

    /// <summary><see cref="Rank"/> while the item may still be claimed, <see cref="Closed"/> once completed: the claim index.</summary>
    public long ClaimRank { get; init; }

    /// <summary><see cref="Rank"/> once completed, null before: the completed list's index, so it pages without sorting history.</summary>
    public long? DoneRank { get; init; }

    public IReadOnlyList<ReviewClaim> Claims { get; init; } = [];
    public IReadOnlyList<CompletedReview> Reviews { get; init; } = [];
    public IReadOnlyList<ReviewSkip> Skips { get; init; } = [];

    /// <summary>Reviewers holding a claim.</summary>
    public IReadOnlyList<string> Holders { get; init; } = [];

    /// <summary>Reviewers never to be served this item again: holders, those who reviewed it, those who skipped it.</summary>
    public IReadOnlyList<string> Excluded { get; init; } = [];

    /// <summary>"product:…", "category:…" and "language:…" keys that reviewer specializations match.</summary>
    public IReadOnlyList<string> MatchKeys { get; init; } = [];

    /// <summary>The earliest lease to run out; DateTime.MaxValue when nobody holds the item.</summary>
    public DateTime NextLeaseExpiry { get; init; } = DateTime.MaxValue;

    /// <summary>When the SLA watch must look at the item: its due-by while open and not yet flagged, else DateTime.MaxValue.</summary>
    public DateTime BreachCheckAt { get; init; } = DateTime.MaxValue;

    public DateTime? SlaBreachedAt { get; init; }

    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public bool IsCompleted => Status == ReviewStatus.Completed;

    /// <summary>What a reader sees: Claimed when every open review is held.</summary>
    public ReviewStatus VisibleStatus => IsCompleted ? ReviewStatus.Completed : OpenSlots > 0 ? ReviewStatus.Pending : ReviewStatus.Claimed;

    public ReviewClaim? ClaimOf(string reviewerId) => Claims.FirstOrDefault(c => c.ReviewerId == reviewerId);

    public bool IsHeldBy(string reviewerId, DateTime now) => ClaimOf(reviewerId) is { } claim && claim.LeaseExpiresAt > now;

    public static ReviewItem Enqueue(ReviewRequested request, DateTime now)
    {
        var dueBy = request.DueBy == default ? now : request.DueBy.UtcDateTime;
        var context = request.Response.Context;
        return new ReviewItem
        {
            Id = request.Response.ResponseId,
            Request = request,
            ProductId = request.Response.ProductId,
            Priority = request.Priority,
            DueBy = dueBy,
            EnqueuedAt = now,
            RequiredReviews = Math.Clamp(request.RequiredReviews, 1, 3),
            Rank = RankOf(request.Priority, dueBy, request.LearningValue, request.Response.ResponseId),
            MatchKeys = MatchKeysOf(request.Response.ProductId, context.Category, context.Language),
        }.Derive();
    }

    public ItemChange Claim(string reviewerId, TimeSpan lease, DateTime now)
    {
        var current = WithoutExpiredLeases(now);
        if (RefusalFor(reviewerId) is { } refusal)
        {
            return Refuse(refusal);
        }

        if (current.IsHeldBy(reviewerId, now))
        {
            return current.Extend(reviewerId, lease, now);
        }

        if (current.OpenSlots <= 0)
        {
            return Refuse(DeskOutcome.HeldByAnother);
        }

        return current.Next(current with { Claims = [.. current.Claims, new ReviewClaim(reviewerId, now, now + lease)] });
    }

    /// <summary>The reviewer's heartbeat: the lease runs for another <paramref name="lease"/> from now.</summary>
    public ItemChange Extend(string reviewerId, TimeSpan lease, DateTime now) =>
        IsHeldBy(reviewerId, now)
            ? Next(this with { Claims = [.. Claims.Select(c => c.ReviewerId == reviewerId ? c with { LeaseExpiresAt = now + lease } : c)] })
            : Refuse(IsCompleted ? DeskOutcome.AlreadyCompleted : DeskOutcome.NotHeld);

    public ItemChange Release(string reviewerId, DateTime now) =>
        IsHeldBy(reviewerId, now)
            ? Next(this with { Claims = [.. Claims.Where(c => c.ReviewerId != reviewerId)] })
            : Refuse(IsCompleted ? DeskOutcome.AlreadyCompleted : DeskOutcome.NotHeld);

    /// <summary>The reviewer passes on the item, held or not; it is never served to them again.</summary>
    public ItemChange Skip(string reviewerId, string reason, DateTime now)
    {
        if (IsCompleted)
        {
            return Refuse(DeskOutcome.AlreadyCompleted);
        }

        if (Reviews.Any(r => r.ReviewerId == reviewerId))
        {
            return Refuse(DeskOutcome.AlreadyReviewed);
        }

        if (Skips.Any(s => s.ReviewerId == reviewerId))
        {
            return Unchanged;
        }

        return Next(this with
        {
            Claims = [.. Claims.Where(c => c.ReviewerId != reviewerId)],
            Skips = [.. Skips, new ReviewSkip(reviewerId, reason, now)],
        });
    }

    /// <summary>
    /// Adds the reviewer's review and, in the same write, its ReviewCompleted to the outbox (after any still
    /// waiting there). The last required review completes the item.
    /// </summary>
    public ItemChange Submit(string reviewerId, ReviewSubmission submission, DateTime now, TimeProvider clock)
    {
        if (IsCompleted)
        {
            return Refuse(DeskOutcome.AlreadyCompleted);
        }

        if (!IsHeldBy(reviewerId, now))
        {
            return Refuse(DeskOutcome.NotHeld);
        }

        var claim = ClaimOf(reviewerId)!;
        var review = new CompletedReview
        {
            ReviewId = $"{Id}:{reviewerId}",
            ReviewerId = reviewerId,
            ReviewNumber = Reviews.Count + 1,
            Verdict = submission.Verdict!.Value,
            CorrectedText = submission.Verdict == ReviewVerdict.Edited ? submission.CorrectedText : null,
            CompletedAt = now,
            DurationSeconds = Math.Max(0, (now - claim.ClaimedAt).TotalSeconds),
        };
        var reviews = (IReadOnlyList<CompletedReview>)[.. Reviews, review];
        var done = reviews.Count >= RequiredReviews;

        return Next(this with
        {
            Claims = [.. Claims.Where(c => c.ReviewerId != reviewerId)],
            Reviews = reviews,
            Status = done ? ReviewStatus.Completed : ReviewStatus.Pending,
            CompletedAt = done ? now : null,
            Outbox = [.. Outbox, ServiceDefaults.Outbox.Outbox.Message(CompletedEvent(review, submission), clock)],
            OutboxPending = true,
        });
    }

    /// <summary>Returns every lease that ran out to the queue.</summary>
    public ItemChange ExpireLeases(DateTime now) =>
        Claims.Any(c => c.LeaseExpiresAt <= now) ? Next(WithoutExpiredLeases(now)) : Unchanged;

    /// <summary>Marks an open item whose due-by has passed.</summary>
    public ItemChange FlagBreach(DateTime now) =>
        !IsCompleted && SlaBreachedAt is null && DueBy <= now
            ? Next(this with { SlaBreachedAt = now })
            : Unchanged;

    public ReviewItem WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };

    /// <summary>
    /// Priority (2 bits), due-by in seconds since 2020 (31 bits), learning value highest first (10 bits), then 20 bits
    /// of the id's hash so that equal ranks are rare and a cursor can page through them.
    /// </summary>
    public static long RankOf(ReviewPriority priority, DateTime dueBy, double learningValue, string id)
    {
        var urgency = (long)ReviewPriority.Urgent - (long)Math.Clamp((int)priority, 0, (int)ReviewPriority.Urgent);
        var seconds = (long)Math.Clamp((dueBy - RankEpoch).TotalSeconds, 0, (1L << 31) - 1);
        var value = double.IsFinite(learningValue) ? Math.Clamp(learningValue, 0, 1) : 0;
        var lowValueFirst = (long)Math.Round((1 - value) * 1023);
        var hash = BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(id)), 0) & 0xFFFFF;
        return (urgency << 61) | (seconds << 30) | (lowValueFirst << 20) | hash;
    }

    public static IReadOnlyList<string> MatchKeysOf(string productId, string? category, string? language) =>
    [
        $"product:{productId}",
        .. category is { Length: > 0 } ? [$"category:{category}"] : Array.Empty<string>(),
        .. language is { Length: > 0 } ? [$"language:{language}"] : Array.Empty<string>(),
    ];

    private static readonly DateTime RankEpoch = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private DeskOutcome? RefusalFor(string reviewerId) =>
        IsCompleted ? DeskOutcome.AlreadyCompleted
        : Reviews.Any(r => r.ReviewerId == reviewerId) ? DeskOutcome.AlreadyReviewed
        : Skips.Any(s => s.ReviewerId == reviewerId) ? DeskOutcome.Skipped
        : null;

    private ReviewItem WithoutExpiredLeases(DateTime now) =>
        Claims.Any(c => c.LeaseExpiresAt <= now) ? (this with { Claims = [.. Claims.Where(c => c.LeaseExpiresAt > now)] }).Derive() : this;

    private ItemChange Unchanged => new(this, null, Changed: false);

    private ItemChange Refuse(DeskOutcome outcome) => new(this, outcome, Changed: false);

    private ItemChange Next(ReviewItem changed) => new(changed.Derive() with { Version = Version + 1 }, null, Changed: true);

    /// <summary>Recomputes what the indexes and claim-next rely on from the claims, reviews and skips.</summary>
    private ReviewItem Derive()
    {
        var open = !IsCompleted;
        return this with
        {
            OpenSlots = open ? Math.Max(0, RequiredReviews - Reviews.Count - Claims.Count) : 0,
            ClaimRank = open ? Rank : Closed,
            DoneRank = open ? null : Rank,
            Holders = [.. Claims.Select(c => c.ReviewerId)],
            Excluded = [.. Claims.Select(c => c.ReviewerId).Concat(Reviews.Select(r => r.ReviewerId)).Concat(Skips.Select(s => s.ReviewerId)).Distinct()],
            NextLeaseExpiry = Claims.Count > 0 ? Claims.Min(c => c.LeaseExpiresAt) : DateTime.MaxValue,
            BreachCheckAt = open && SlaBreachedAt is null ? DueBy : DateTime.MaxValue,
        };
    }

    private ReviewCompleted CompletedEvent(CompletedReview review, ReviewSubmission submission)
    {
        var response = Request.Response;
        return new ReviewCompleted
        {
            ReviewId = review.ReviewId,
            ResponseId = response.ResponseId,
            ProductId = response.ProductId,
            ConversationId = response.ConversationId,
            ReviewerId = review.ReviewerId,
            Verdict = review.Verdict,
            Query = response.Query,
            Context = response.Context,
            OriginalText = response.Response,
            CorrectedText = review.CorrectedText,
            Ratings = submission.Ratings ?? new ReviewRatings(),
            Labels = submission.Labels ?? [],
            Categories = submission.Categories ?? [],
            Severity = submission.Severity,
            Notes = submission.Notes,
            ShouldLearn = submission.ShouldLearn ?? true,
            ReviewDurationSeconds = review.DurationSeconds,
            TriggerCodes = [.. Request.Triggers.Select(t => t.Code)],
            ModelVersion = response.ModelVersion,
            PolicyVersion = Request.PolicyVersion,
            RequiredReviews = RequiredReviews,
            ReviewNumber = review.ReviewNumber,
            CompletedAt = new DateTimeOffset(review.CompletedAt, TimeSpan.Zero),
        };
    }
}

/// <summary>
/// A transition's result: the next item (<paramref name="Changed"/>), the same item when there was nothing to do, or
/// the same item with the reason the transition was refused.
/// </summary>
public sealed record ItemChange(ReviewItem Item, DeskOutcome? Refusal, bool Changed);

public sealed record ReviewClaim(string ReviewerId, DateTime ClaimedAt, DateTime LeaseExpiresAt);

public sealed record ReviewSkip(string ReviewerId, string Reason, DateTime SkippedAt);

public sealed record CompletedReview
{
    public required string ReviewId { get; init; }
    public required string ReviewerId { get; init; }

    /// <summary>1 for the first review of the item, 2 for the second, ...</summary>
    public int ReviewNumber { get; init; } = 1;

    public required ReviewVerdict Verdict { get; init; }
    public string? CorrectedText { get; init; }
    public DateTime CompletedAt { get; init; }
    public double DurationSeconds { get; init; }
}
