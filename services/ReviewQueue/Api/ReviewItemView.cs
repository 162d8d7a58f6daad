using HitlLoop.Contracts;
using HitlLoop.ReviewQueue.Queue;

namespace HitlLoop.ReviewQueue.Api;

/// <summary>What a reviewer sees of an item.</summary>
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
    public double LearningValue { get; init; }
    public DateTime DueBy { get; init; }
    public DateTime EnqueuedAt { get; init; }
    public string? ClaimedBy { get; init; }
    public DateTime? LeaseExpiresAt { get; init; }
    public CompletedReview? Result { get; init; }

    public static ReviewItemView Of(ReviewItem item) => new()
    {
        Id = item.Id,
        ProductId = item.ProductId,
        Status = item.Status,
        Priority = item.Priority,
        Triggers = item.Request.Triggers,
        Query = item.Request.Response.Query,
        Response = item.Request.Response.Response,
        Context = item.Request.Response.Context,
        Confidence = item.Request.Response.Confidence,
        LearningValue = item.Request.LearningValue,
        DueBy = item.DueBy,
        EnqueuedAt = item.EnqueuedAt,
        ClaimedBy = item.Status == ReviewStatus.Claimed ? item.ClaimedBy : null,
        LeaseExpiresAt = item.Status == ReviewStatus.Claimed ? item.LeaseExpiresAt : null,
        Result = item.Result,
    };
}
