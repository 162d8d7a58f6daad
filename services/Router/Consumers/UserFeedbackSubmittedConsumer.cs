using HitlLoop.Contracts;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Router.Consumers;

/// <summary>
/// Adds an end user's reaction to the window of its kind of response (the decided response's product and category),
/// once per feedback id. A reaction to a response the Router has not decided counts for the product it names.
/// </summary>
public sealed class UserFeedbackSubmittedConsumer(IDecisionStore decisions, UserReactionBoard reactions, TimeProvider clock) : IConsumer<UserFeedbackSubmitted>
{
    public async Task Consume(ConsumeContext<UserFeedbackSubmitted> context)
    {
        var feedback = context.Message;
        MessageValidationException.ThrowIfAny<UserFeedbackSubmitted>(UserFeedbackChecks.Problems(feedback));

        var decision = await decisions.FindAsync(feedback.ResponseId, context.CancellationToken);
        if ((decision?.ProductId ?? feedback.ProductId) is not { Length: > 0 } productId)
        {
            // Nothing says which product's responses this reaction is about.
            return;
        }

        var negative = UserFeedbackChecks.Sentiment(feedback.ThumbsUp, feedback.Rating) == false;
        var now = clock.GetUtcNow().UtcDateTime;
        var at = feedback.SubmittedAt == default ? now : feedback.SubmittedAt.UtcDateTime;
        await reactions.RecordAsync(productId, decision?.Category, feedback.FeedbackId, negative, at, now, context.CancellationToken);
    }
}

public sealed class UserFeedbackSubmittedConsumerDefinition : ConsumerDefinition<UserFeedbackSubmittedConsumer>
{
    public UserFeedbackSubmittedConsumerDefinition()
    {
        EndpointName = "router-user-feedback-submitted";
        ConcurrentMessageLimit = 16;
    }
}
