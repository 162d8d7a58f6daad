using HitlLoop.ReviewQueue.Storage;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue.Queue;

namespace HitlLoop.ReviewQueue.Api;

/// <summary>
/// What a caller sees of an item. Reviews are blind: until the last required review is in, a reviewer sees only
/// their own claim and review; a lead sees everyone's.
/// </summary>
public sealed record ReviewItemView
{
    public required string Id { get; init; }
    public required string ProductId { get; init; }
    public required ReviewStatus Status { get; init; }
    public required ReviewPriority Priority { get; init; }
    public required IReadOnlyList<ReviewTrigger> Triggers { get; init; }
    public required string Query { get; init; }
    public required string Response { get; init; }
    public required ResponseContext Context { get; init; }
    public double Confidence { get; init; }

    /// <summary>The end user's sentiment as the product scored it (-1..1).</summary>
    public double Sentiment { get; init; }

    /// <summary>Each committee model's score of the response, when the product ran a committee.</summary>
    public IReadOnlyDictionary<string, double> CommitteeScores { get; init; } = new Dictionary<string, double>();

    public bool EscalationRequested { get; init; }
    public string? ModelVersion { get; init; }
    public string ConversationId { get; init; } = "";
    public double LearningValue { get; init; }
    public int RequiredReviews { get; init; }
    public int ReviewsDone { get; init; }
    public DateTime DueBy { get; init; }
    public bool SlaBreached { get; init; }
    public DateTime EnqueuedAt { get; init; }
    public DateTime? CompletedAt { get; init; }

    /// <summary>The caller, when they hold the item (a lead sees the first holder).</summary>
    public string? ClaimedBy { get; init; }

    public DateTime? LeaseExpiresAt { get; init; }

    /// <summary>The caller's own review of the item, if they gave one.</summary>
    public CompletedReview? Result { get; init; }

    /// <summary>Every review once all are in (or for a lead); before that only the caller's own.</summary>
    public IReadOnlyList<CompletedReview> Reviews { get; init; } = [];

    /// <summary>Everyone holding the item: shown to leads only.</summary>
    public IReadOnlyList<ReviewClaim>? Claims { get; init; }

    public static ReviewItemView For(ReviewItem item, string viewerId, bool isLead, DateTime now)
    {
        var ownClaim = item.ClaimOf(viewerId);
        var shownClaim = ownClaim ?? (isLead && item.Claims.Count > 0 ? item.Claims[0] : null);
        var own = item.Reviews.FirstOrDefault(r => r.ReviewerId == viewerId);
        return new ReviewItemView
        {
            Id = item.Id,
            ProductId = item.ProductId,
            Status = item.VisibleStatus,
            Priority = item.Priority,
            Triggers = item.Request.Triggers,
            Query = item.Request.Response.Query,
            Response = item.Request.Response.Response,
            Context = item.Request.Response.Context,
            Confidence = item.Request.Response.Confidence,
            Sentiment = item.Request.Response.Sentiment,
            CommitteeScores = item.Request.Response.CommitteeScores,
            EscalationRequested = item.Request.Response.EscalationRequested,
            ModelVersion = item.Request.Response.ModelVersion,
            ConversationId = item.Request.Response.ConversationId,
            LearningValue = item.Request.LearningValue,
            RequiredReviews = item.RequiredReviews,
            ReviewsDone = item.Reviews.Count,
            DueBy = item.DueBy,
            SlaBreached = item.SlaBreachedAt is not null || (!item.IsCompleted && item.DueBy <= now),
            EnqueuedAt = item.EnqueuedAt,
            CompletedAt = item.CompletedAt,
            ClaimedBy = shownClaim?.ReviewerId,
            LeaseExpiresAt = shownClaim?.LeaseExpiresAt,
            Result = own,
            Reviews = item.IsCompleted || isLead ? item.Reviews : own is null ? [] : [own],
            Claims = isLead ? item.Claims : null,
        };
    }
}

/// <summary>A page of the queue; pass <see cref="Next"/> as <c>after</c> for the following page (null on the last).</summary>
public sealed record ReviewItemPage(IReadOnlyList<ReviewItemView> Items, string? Next);

/// <summary>The queue's counts; <c>open</c> is the open items (pending or claimed) of each priority.</summary>
public sealed record QueueStats(long Pending, long Claimed, long Completed, long Overdue, OpenByPriority Open);
