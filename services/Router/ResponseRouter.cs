using HitlLoop.Contracts;
using HitlLoop.Router.Novelty;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Stats;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Privacy;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router;

/// <summary>Validates a scored response, decides it once, and stores what (if anything) to send to review.</summary>
public sealed class ResponseRouter(
    RoutingPolicy policy,
    IDecisionStore decisions,
    UserReactionBoard reactions,
    KnownPatternBoard patterns,
    CalibrationBoard calibrations,
    ProductPolicyBoard policies,
    NoveltyBoard novelty,
    ReviewBudgets budgets,
    ReviewRateReporter reviewRates,
    ITextRedactor redactor, TimeProvider clock, ILogger<ResponseRouter> logger)
{
    /// <summary>
    /// Decides the response, once: a redelivery or duplicate gets the stored decision, never a new one. The caller
    /// sends the review request, if any (see <see cref="DecideAsync"/>).
    /// </summary>
    public async Task<RoutingDecisionDocument> RouteAsync(ResponseScored response, CancellationToken cancellationToken) =>
        (await DecideAsync(response, cancellationToken)).Decision;

    /// <summary><see cref="RouteAsync"/>, saying too whether this call made the decision, with the review request to send.</summary>
    public async Task<RoutedResponse> DecideAsync(ResponseScored response, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<ResponseScored>(ResponseScoredValidator.Problems(response));

        var now = clock.GetUtcNow();
        var category = response.Context.Category;
        var assessed = policy.NoveltyOn ? novelty.Assess(response.ProductId, response.Query) : null;
        var signals = new RoutingSignals(
            reactions.For(response.ProductId, category),
            patterns.For(response.ProductId),
            calibrations.For(response.ProductId, category),
            assessed);
        var decision = policy.Decide(response, signals);
        var shadow = policies.For(response.ProductId) is { ShadowRunning: true, Shadow: { } candidate } running
            ? policy.DecideAs(response, signals, candidate, running.ShadowLabel)
            : null;

        var product = policy.ProductFor(response.ProductId);
        BudgetVerdict? budget = null;
        if (decision.NeedsReview && ReviewBudgets.Limits(product))
        {
            // A redelivery must not spend the budget twice: it gets the decision that stands.
            if (await decisions.FindAsync(response.ResponseId, cancellationToken) is { } earlier)
            {
                return Routed(earlier, decided: false, response);
            }

            budget = await budgets.AdmitAsync(
                response.ProductId, product, decision, budgets.TopicOf(assessed, category), now.UtcDateTime, cancellationToken);
        }

        var skipped = budget is { Admitted: false };
        var sent = decision.NeedsReview && !skipped;

        // An audited response was approved like any confident one; a human checks it afterwards.
        var outcome = sent && !decision.IsAudit ? RoutingOutcome.ReviewRequested : RoutingOutcome.AutoApproved;
        var audit = sent && decision.IsAudit;
        var made = new RoutingDecisionDocument
        {
            Id = response.ResponseId,
            ProductId = response.ProductId,
            Category = ResponseKind.CategoryOf(category),
            Outcome = outcome,
            Audit = audit,
            BudgetSkipped = skipped,
            Budget = budget?.Detail,
            StatsDayKey = RoutingDecisionDocument.StatsKeyOf(outcome, audit, skipped, response.ProductId, now.UtcDateTime),
            Confidence = response.Confidence,
            ConfidenceThreshold = decision.ConfidenceThreshold,
            Sentiment = response.Sentiment,
            LearningValue = decision.LearningValue,
            Learning = decision.Learning,
            Priority = decision.Priority,
            Triggers = decision.Triggers,
            PolicyVersion = decision.PolicyVersion,
            DecidedAt = now.UtcDateTime,
            Shadow = shadow is null ? null : new ShadowDecision(shadow.PolicyVersion, shadow.NeedsReview, [.. shadow.Triggers.Select(t => t.Code)]),
            RequiredReviews = sent ? decision.RequiredReviews : 0,
            DueBy = sent ? (now + policy.SlaFor(decision.Priority)).UtcDateTime : null,
        };

        var stored = await decisions.RecordOnceAsync(made, cancellationToken);
        var decided = ReferenceEquals(stored, made);
        reviewRates.Saw(stored.ProductId, stored.DecidedAt);
        if (decided && assessed is not null)
        {
            // Counted once the decision stands, so a redelivery does not count the query twice.
            var opened = await novelty.CountAsync(
                response.ProductId, assessed, reviewed: stored.Outcome == RoutingOutcome.ReviewRequested, () => redactor.Redact(response.Query), cancellationToken);
            if (opened is { } slot && budget is { Admitted: true })
            {
                // A new topic, reviewed under the budget: the next query alike is no longer one.
                budgets.Cover(response.ProductId, product, slot, now.UtcDateTime);
            }
        }

        if (decided && stored.Shadow is { } counted)
        {
            // Counted after the decision is stored: a crash in between leaves one decision out of the report.
            var reviews = stored.SentToReview();
            await policies.CountAsync(
                counted.Version,
                new DocumentUpdate<ShadowTally>()
                    .Increment(t => t.Decisions, 1)
                    .Increment(t => t.LiveReviews, reviews ? 1 : 0)
                    .Increment(t => t.ShadowReviews, counted.NeedsReview ? 1 : 0)
                    .Increment(t => t.Agreed, counted.NeedsReview == reviews ? 1 : 0),
                cancellationToken);
        }

        if (decided && stored.SentToReview() && logger.IsEnabled(LogLevel.Information))
        {
            // Guarded: the triggers' list is joined only for a log line that will be written.
            logger.LogInformation(
                "Response {ResponseId} of {ProductId} sent to review ({Triggers})",
                response.ResponseId,
                response.ProductId,
                string.Join(", ", stored.Triggers.Select(t => t.Code)));
        }

        return Routed(stored, decided, response);
    }

    private RoutedResponse Routed(RoutingDecisionDocument decision, bool decided, ResponseScored response) =>
        new(decision, decided, decision.SentToReview() ? RequestFor(decision, response) : null);

    /// <summary>The review request of a decision sent to review, built from the decision and the response it decided.</summary>
    private ReviewRequested RequestFor(RoutingDecisionDocument decision, ResponseScored response) => new()
    {
        // Reviewers, and the training data their corrections become, get the text with personal data redacted.
        Response = redactor.Redact(response),
        Triggers = decision.Triggers,
        Priority = decision.Priority,
        LearningValue = decision.LearningValue,
        RequiredReviews = decision.RequiredReviews,
        DueBy = Utc(decision.DueBy ?? decision.DecidedAt),
        PolicyVersion = decision.PolicyVersion,
        RequestedAt = Utc(decision.DecidedAt),
    };

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}

/// <summary>
/// The decision that stands for a response, whether this call made it (false for a duplicate or redelivery), and,
/// when it sends the response to review, the request to publish.
/// </summary>
public sealed record RoutedResponse(RoutingDecisionDocument Decision, bool Decided, ReviewRequested? Request)
{
    /// <summary>
    /// The review request to publish: the one this call decided, or, for a message that may have been handled before
    /// (redelivered, or retried), the one that stands, as its first try may have failed before publishing it.
    /// </summary>
    public ReviewRequested? RequestToSend(bool mayHaveBeenHandled) => Decided || mayHaveBeenHandled ? Request : null;
}
