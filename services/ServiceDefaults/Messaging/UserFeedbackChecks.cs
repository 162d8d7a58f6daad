using HitlLoop.Contracts;

namespace HitlLoop.ServiceDefaults;

/// <summary>What every consumer of <see cref="UserFeedbackSubmitted"/> requires of it, and how it reads a reaction.</summary>
public static class UserFeedbackChecks
{
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

    /// <summary>True for thumbs up or 4–5 stars, false for thumbs down or 1–2 stars, null for a neutral 3.</summary>
    public static bool? Sentiment(bool? thumbsUp, int? rating) => thumbsUp ?? rating switch
    {
        >= 4 => true,
        <= 2 => false,
        _ => null,
    };
}
