using HitlLoop.Contracts;
using HitlLoop.Feedback.Agreement;
using MassTransit;

namespace HitlLoop.Feedback.Consumers;

/// <remarks>
/// What it publishes (the accepted correction; each reviewer's agreement once an item's reviews are all in) is
/// published again on a redelivery: both are rebuilt from what is stored, and their consumers keep the latest.
/// </remarks>
public sealed class ReviewCompletedConsumer(ReviewIntake intake, ReviewerAgreement agreement) : IConsumer<ReviewCompleted>
{
    public async Task Consume(ConsumeContext<ReviewCompleted> context)
    {
        var review = context.Message;
        var accepted = await intake.RecordAsync(review, context.CancellationToken);
        if (accepted is not null)
        {
            await context.Publish(accepted, context.CancellationToken);
        }

        var item = await agreement.ItemReviewedAsync(review.ResponseId, review.RequiredReviews, context.CancellationToken);
        foreach (var measured in item.Agreement)
        {
            await context.Publish(measured, context.CancellationToken);
        }

        if (item.Accepted is not null)
        {
            await context.Publish(item.Accepted, context.CancellationToken);
        }
    }
}

public sealed class ReviewCompletedConsumerDefinition : ConsumerDefinition<ReviewCompletedConsumer>
{
    public ReviewCompletedConsumerDefinition()
    {
        EndpointName = "feedback-review-completed";
        ConcurrentMessageLimit = 16;
    }
}
