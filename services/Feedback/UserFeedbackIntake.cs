using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Privacy;

namespace HitlLoop.Feedback;

/// <summary>Records end users' thumbs and ratings once each; they feed the positive-feedback rate.</summary>
public sealed class UserFeedbackIntake(IFeedbackStore store, ITextRedactor redactor, TimeProvider clock)
{
    public async Task<UserFeedbackRecord> RecordAsync(UserFeedbackSubmitted feedback, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<UserFeedbackSubmitted>(UserFeedbackChecks.Problems(feedback));

        var now = clock.GetUtcNow().UtcDateTime;
        return await store.RecordUserFeedbackOnceAsync(
            new UserFeedbackRecord
            {
                Id = feedback.FeedbackId,
                ResponseId = feedback.ResponseId,
                ProductId = feedback.ProductId,
                ThumbsUp = feedback.ThumbsUp,
                Rating = feedback.Rating,
                Positive = UserFeedbackChecks.Sentiment(feedback.ThumbsUp, feedback.Rating),
                Comment = redactor.RedactOptional(feedback.Comment),
                SubmittedAt = feedback.SubmittedAt == default ? now : feedback.SubmittedAt.UtcDateTime,
                RecordedAt = now,
            },
            cancellationToken);
    }
}
