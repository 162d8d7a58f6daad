using HitlLoop.Contracts;

namespace HitlLoop.Feedback.Corrections;

/// <summary>Rejects reviews that can never be recorded; the reasons become the error-queue fault message.</summary>
public static class ReviewCompletedValidator
{
    /// <summary>The most reviewers one item can ask for (the contract's limit).</summary>
    public const int MaxRequiredReviews = 3;

    public static IReadOnlyList<string> Problems(ReviewCompleted? message)
    {
        if (message is null)
        {
            return ["the message body is empty"];
        }

        var problems = new List<string>();
        Require(problems, message.ReviewId, "reviewId");
        Require(problems, message.ResponseId, "responseId");
        Require(problems, message.ProductId, "productId");
        Require(problems, message.ReviewerId, "reviewerId");

        if (!Enum.IsDefined(message.Verdict))
        {
            problems.Add("verdict must be approved, edited or rejected");
        }

        if (message.Verdict == ReviewVerdict.Edited && string.IsNullOrWhiteSpace(message.CorrectedText))
        {
            problems.Add("correctedText is required when the verdict is edited");
        }

        if (message.RequiredReviews is < 1 or > MaxRequiredReviews)
        {
            problems.Add($"requiredReviews must lie in 1..{MaxRequiredReviews} (was {message.RequiredReviews})");
        }

        if (message.ReviewNumber < 1 || message.ReviewNumber > Math.Max(1, message.RequiredReviews))
        {
            problems.Add($"reviewNumber must lie in 1..requiredReviews (was {message.ReviewNumber} of {message.RequiredReviews})");
        }

        if (!(message.ReviewDurationSeconds >= 0))
        {
            problems.Add("reviewDurationSeconds must not be negative");
        }

        return problems;
    }

    private static void Require(List<string> problems, string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{field} is required");
        }
    }
}
