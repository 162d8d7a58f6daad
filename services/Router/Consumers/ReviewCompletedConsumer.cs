using HitlLoop.Contracts;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;
using MassTransit;

namespace HitlLoop.Router.Consumers;

/// <summary>
/// Calibrates the confidence threshold of the reviewed response's kind from the verdict. Only an item's first review
/// counts (a second, blind one measures reviewers, not the bot), and only for a response the Router decided.
/// </summary>
public sealed class ReviewCompletedConsumer(
    IDecisionStore decisions, CalibrationBoard calibrations, ProductPolicyBoard policies, RoutingPolicy policy, TimeProvider clock)
    : IConsumer<ReviewCompleted>
{
    public async Task Consume(ConsumeContext<ReviewCompleted> context)
    {
        var review = context.Message;
        MessageValidationException.ThrowIfAny<ReviewCompleted>(Problems(review));
        if (review.ReviewNumber > 1 || await decisions.FindAsync(review.ResponseId, context.CancellationToken) is not { } decision)
        {
            return;
        }

        var corrected = review.Verdict is not ReviewVerdict.Approved;
        if (decision.Shadow is { } shadow && await decisions.RecordVerdictAsync(decision.Id, corrected, context.CancellationToken))
        {
            // A response needed a human when the reviewer corrected it: each policy was right when it agreed.
            var liveReviewed = decision.SentToReview();
            await policies.CountAsync(
                shadow.Version,
                new DocumentUpdate<ShadowTally>()
                    .Increment(t => t.Verdicts, 1)
                    .Increment(t => t.ShadowRight, shadow.NeedsReview == corrected ? 1 : 0)
                    .Increment(t => t.ShadowMissed, corrected && !shadow.NeedsReview ? 1 : 0)
                    .Increment(t => t.LiveRight, liveReviewed == corrected ? 1 : 0),
                context.CancellationToken);
        }

        if (!policy.Calibrates(decision.ProductId))
        {
            return;
        }

        // The Router's clock, not the review's: it orders the replicas' refresh and dates each step.
        var at = clock.GetUtcNow().UtcDateTime;
        var seed = ThresholdCalibration.Start(decision.ProductId, decision.Category, policy.ConfiguredThresholdFor(decision.ProductId));
        await calibrations.RecordAsync(
            seed,
            c => c.With(review.ReviewId, decision.Confidence, decision.Audit, corrected, at, policy.Calibration),
            context.CancellationToken);
    }

    public static IReadOnlyList<string> Problems(ReviewCompleted? review) =>
        review is null
            ? ["the message body is empty"]
            : new FieldChecks().Id("reviewId", review.ReviewId).Id("responseId", review.ResponseId).Messages;
}

public sealed class ReviewCompletedConsumerDefinition : ConsumerDefinition<ReviewCompletedConsumer>
{
    public ReviewCompletedConsumerDefinition()
    {
        EndpointName = "router-review-completed";
        ConcurrentMessageLimit = 8;
    }
}
