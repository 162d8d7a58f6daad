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

        if (request.RequiredReviews is < 1 or > 3)
        {
            throw new MessageValidationException($"Invalid ReviewRequested: requiredReviews must lie in 1..3, not {request.RequiredReviews}");
        }

        var item = ReviewItem.Enqueue(request, clock.GetUtcNow().UtcDateTime);
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
