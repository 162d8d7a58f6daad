using HitlLoop.Contracts;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;

namespace HitlLoop.Router;

/// <summary>Validates a scored response, decides it once, and says what (if anything) to send to review.</summary>
public sealed class ResponseRouter(RoutingPolicy policy, IDecisionStore decisions, TimeProvider clock, ILogger<ResponseRouter> logger)
{
    /// <returns>The review request to publish, or null when the response is auto-approved.</returns>
    public async Task<ReviewRequested?> RouteAsync(ResponseScored response, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<ResponseScored>(ResponseScoredValidator.Problems(response));

        var now = clock.GetUtcNow();
        var decision = policy.Decide(response);
        var request = decision.NeedsReview
            ? new ReviewRequested
            {
                Response = response,
                Triggers = decision.Triggers,
                Priority = decision.Priority,
                LearningValue = decision.LearningValue,
                RequiredReviews = decision.RequiredReviews,
                DueBy = now + policy.SlaFor(decision.Priority),
                PolicyVersion = decision.PolicyVersion,
                RequestedAt = now,
            }
            : null;

        var made = new RoutingDecisionDocument
        {
            Id = response.ResponseId,
            ProductId = response.ProductId,
            // An audited response was approved like any confident one; a human checks it afterwards.
            Outcome = decision.NeedsReview && !decision.IsAudit ? RoutingOutcome.ReviewRequested : RoutingOutcome.AutoApproved,
            Audit = decision.IsAudit,
            Confidence = response.Confidence,
            ConfidenceThreshold = decision.ConfidenceThreshold,
            Sentiment = response.Sentiment,
            LearningValue = decision.LearningValue,
            Priority = decision.Priority,
            Triggers = decision.Triggers,
            PolicyVersion = decision.PolicyVersion,
            DecidedAt = now.UtcDateTime,
            ReviewRequest = request,
        };

        // A redelivery or duplicate gets the stored decision, never a new one: the first decision stands, and its
        // review request is sent again (ReviewQueue keeps one item per response).
        var stored = await decisions.RecordOnceAsync(made, cancellationToken);
        if (ReferenceEquals(stored, made) && stored.ReviewRequest is not null)
        {
            logger.LogInformation(
                "Response {ResponseId} of {ProductId} sent to review ({Triggers})",
                response.ResponseId,
                response.ProductId,
                string.Join(", ", stored.Triggers.Select(t => t.Code)));
        }

        return stored.ReviewRequest;
    }
}
