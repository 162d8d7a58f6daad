using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ReviewQueue.Queue;

public enum ReviewStatus
{
    Pending,
    Claimed,
    Completed,
}

/// <summary>A response waiting for (or holding) a human review. One per response id.</summary>
public sealed record ReviewItem : IHasOutbox<ReviewItem>
{
    /// <summary>The response id: a second ReviewRequested for the same response finds this item and stops.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required ReviewRequested Request { get; init; }
    public ReviewStatus Status { get; init; }
    public ReviewPriority Priority { get; init; }
    public required string ProductId { get; init; }

    /// <summary>Sorts the queue: priority first, then the earliest due.</summary>
    public required string QueueKey { get; init; }

    public DateTime DueBy { get; init; }
    public DateTime EnqueuedAt { get; init; }
    public string? ClaimedBy { get; init; }
    public DateTime ClaimedAt { get; init; }

    /// <summary>DateTime.MinValue when nobody holds the item.</summary>
    public DateTime LeaseExpiresAt { get; init; }

    public CompletedReview? Result { get; init; }
    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public bool IsHeldBy(string reviewerId, DateTime now) =>
        Status == ReviewStatus.Claimed && ClaimedBy == reviewerId && LeaseExpiresAt > now;

    public bool IsClaimable(DateTime now) =>
        Status == ReviewStatus.Pending || (Status == ReviewStatus.Claimed && LeaseExpiresAt <= now);

    public ReviewItem WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };

    public static string QueueKeyFor(ReviewPriority priority, DateTime dueBy, string id) =>
        $"{(int)ReviewPriority.Urgent - (int)priority}|{dueBy:yyyyMMddHHmmssfff}|{id}";
}

public sealed record CompletedReview
{
    public required string ReviewId { get; init; }
    public required string ReviewerId { get; init; }
    public required ReviewVerdict Verdict { get; init; }
    public string? CorrectedText { get; init; }
    public DateTime CompletedAt { get; init; }
    public double DurationSeconds { get; init; }
}
