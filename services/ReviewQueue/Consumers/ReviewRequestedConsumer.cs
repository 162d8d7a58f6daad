using HitlLoop.Contracts;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.ReviewQueue.Consumers;

public sealed class ReviewRequestedConsumer(IReviewItemStore items, TimeProvider clock, ILogger<ReviewRequestedConsumer> logger)
    : IConsumer<ReviewRequested>
{
    public async Task Consume(ConsumeContext<ReviewRequested> context)
    {
        var request = context.Message;
        if (string.IsNullOrWhiteSpace(request.Response?.ResponseId) || string.IsNullOrWhiteSpace(request.Response.ProductId))
        {
            throw new MessageValidationException("Invalid ReviewRequested: response.responseId and response.productId are required");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var dueBy = request.DueBy == default ? now : request.DueBy.UtcDateTime;
        var item = new ReviewItem
        {
            Id = request.Response.ResponseId,
            Request = request,
            Status = ReviewStatus.Pending,
            Priority = request.Priority,
            ProductId = request.Response.ProductId,
            QueueKey = ReviewItem.QueueKeyFor(request.Priority, dueBy, request.Response.ResponseId),
            DueBy = dueBy,
            EnqueuedAt = now,
            LeaseExpiresAt = DateTime.MinValue,
        };

        if (!await items.EnqueueOnceAsync(item, context.CancellationToken))
        {
            logger.LogDebug("Review of {ResponseId} was already queued", item.Id);
        }
    }
}

public sealed class ReviewRequestedConsumerDefinition : ConsumerDefinition<ReviewRequestedConsumer>
{
    public ReviewRequestedConsumerDefinition()
    {
        EndpointName = "review-queue-review-requested";
        ConcurrentMessageLimit = 16;
    }
}
