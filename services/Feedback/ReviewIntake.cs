using HitlLoop.Contracts;
using HitlLoop.Feedback.Corrections;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Privacy;
using Microsoft.Extensions.Options;

namespace HitlLoop.Feedback;

/// <summary>Records each completed review once, and turns good corrections into golden examples.</summary>
public sealed class ReviewIntake(
    CorrectionValidator validator, IFeedbackStore store, ITextRedactor redactor, IOptions<FeedbackOptions> options, TimeProvider clock, ILogger<ReviewIntake> logger)
{
    /// <returns>The accepted correction to publish, or null when the review taught nothing new.</returns>
    public async Task<CorrectionAccepted?> RecordAsync(ReviewCompleted review, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<ReviewCompleted>(ReviewCompletedValidator.Problems(review));

        // A redelivery or duplicate keeps its first judgement and re-announces the same example: the first
        // attempt may have stored everything and then died before its publish went out.
        var recorded = await store.FindReviewAsync(review.ReviewId, cancellationToken)
            ?? await RecordNewAsync(review, cancellationToken);

        await store.RefreshReviewerAsync(recorded.ReviewerId, recorded.CompletedAt, cancellationToken);

        return recorded is { Outcome: CorrectionOutcome.Accepted, GoldenExampleId: { } exampleId }
            ? (await store.FindGoldenExampleAsync(exampleId, cancellationToken)
                ?? throw new InvalidOperationException($"Review {recorded.Id} names golden example {exampleId}, which is missing.")).ToEvent()
            : null;
    }

    private async Task<ReviewRecord> RecordNewAsync(ReviewCompleted review, CancellationToken cancellationToken)
    {
        // Redacted again here: a reviewer may type personal data into a correction, and what becomes training data
        // passes the hook whatever the Router did.
        review = review with
        {
            Query = redactor.Redact(review.Query),
            Context = redactor.Redact(review.Context),
            OriginalText = redactor.Redact(review.OriginalText),
            CorrectedText = redactor.RedactOptional(review.CorrectedText),
            Notes = redactor.RedactOptional(review.Notes),
        };
        var now = clock.GetUtcNow().UtcDateTime;
        var completedAt = review.CompletedAt == default ? now : review.CompletedAt.UtcDateTime;
        var record = new ReviewRecord
        {
            Id = review.ReviewId,
            ResponseId = review.ResponseId,
            ProductId = review.ProductId,
            ReviewerId = review.ReviewerId,
            Verdict = review.Verdict,
            ConversationId = review.ConversationId,
            Query = review.Query,
            Context = review.Context,
            OriginalText = review.OriginalText,
            CorrectedText = review.CorrectedText,
            Ratings = review.Ratings,
            Labels = review.Labels,
            Categories = review.Categories,
            Severity = review.Severity,
            Notes = review.Notes,
            ShouldLearn = review.ShouldLearn,
            ReviewDurationSeconds = review.ReviewDurationSeconds,
            TriggerCodes = review.TriggerCodes,
            ModelVersion = review.ModelVersion,
            PolicyVersion = review.PolicyVersion,
            RequiredReviews = review.RequiredReviews,
            ReviewNumber = review.ReviewNumber,
            CompletedAt = completedAt,
            RecordedAt = now,
            Outcome = CorrectionOutcome.NotApplicable,
        };

        if (review is not { Verdict: ReviewVerdict.Edited, ShouldLearn: true, CorrectedText: { } corrected })
        {
            return await store.RecordReviewOnceAsync(record, cancellationToken);
        }

        var reviewer = await store.FindReviewerAsync(review.ReviewerId, cancellationToken);
        // Agreement judges a reviewer only once it rests on enough shared items.
        var validation = validator.Validate(review.OriginalText, corrected, reviewer?.Reliability(options.Value.MinAgreementItems));
        if (!validation.IsAccepted)
        {
            logger.LogInformation(
                "Correction in review {ReviewId} of {ProductId} rejected ({Reasons})",
                review.ReviewId,
                review.ProductId,
                string.Join(", ", validation.Rejections.Select(r => r.Code)));
            return await store.RecordReviewOnceAsync(
                record with { Outcome = CorrectionOutcome.Rejected, RejectionReasons = validation.Rejections, Similarity = validation.Similarity },
                cancellationToken);
        }

        if (review.RequiredReviews > 1)
        {
            // The item's consensus decides, once every review is in (see ReviewerAgreement).
            return await store.RecordReviewOnceAsync(record with { Outcome = CorrectionOutcome.Held, Similarity = validation.Similarity }, cancellationToken);
        }

        // The example goes in before the review that points at it, so an accepted review never names a missing example.
        var example = await store.AddGoldenExampleOnceAsync(
            GoldenExample.Of(record, corrected, validation.Similarity, reviewer?.AgreementRate ?? 1.0, now), cancellationToken);

        return await store.RecordReviewOnceAsync(
            record with { Outcome = CorrectionOutcome.Accepted, Similarity = example.Similarity, GoldenExampleId = example.Id },
            cancellationToken);
    }
}
