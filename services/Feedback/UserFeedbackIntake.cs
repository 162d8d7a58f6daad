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
        MessageValidationException.ThrowIfAny<UserFeedbackSubmitted>(Problems(feedback));

        var now = clock.GetUtcNow().UtcDateTime;
        return await store.RecordUserFeedbackOnceAsync(
            new UserFeedbackRecord
            {
                Id = feedback.FeedbackId,
                ResponseId = feedback.ResponseId,
                ProductId = feedback.ProductId,
                ThumbsUp = feedback.ThumbsUp,
                Rating = feedback.Rating,
                Positive = UserFeedbackRecord.Sentiment(feedback.ThumbsUp, feedback.Rating),
                Comment = redactor.RedactOptional(feedback.Comment),
                SubmittedAt = feedback.SubmittedAt == default ? now : feedback.SubmittedAt.UtcDateTime,
                RecordedAt = now,
            },
            cancellationToken);
    }

    public static IReadOnlyList<string> Problems(UserFeedbackSubmitted? feedback)
    {
        if (feedback is null)
        {
            return ["the message body is empty"];
        }

        var checks = new FieldChecks()
            .Id("feedbackId", feedback.FeedbackId)
            .Id("responseId", feedback.ResponseId)
            .Id("productId", feedback.ProductId, required: false)
            .Text("comment", feedback.Comment);
        if (feedback.ThumbsUp is null && feedback.Rating is null)
        {
            checks.Add("thumbsUp", "thumbsUp or rating is required");
        }

        if (feedback.Rating is < 1 or > 5)
        {
            checks.Add("rating", $"rating must lie in 1..5 (was {feedback.Rating})");
        }

        return checks.Messages;
    }
}
