using System.Globalization;
using HitlLoop.Contracts;

namespace HitlLoop.Router.Policy;

/// <summary>Rejects scored responses no policy can judge; the reasons become the error-queue fault message.</summary>
public static class ResponseScoredValidator
{
    public static IReadOnlyList<string> Problems(ResponseScored? message)
    {
        if (message is null)
        {
            return ["the message body is empty"];
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(message.ResponseId))
        {
            problems.Add("responseId is required");
        }

        if (string.IsNullOrWhiteSpace(message.ProductId))
        {
            problems.Add("productId is required");
        }

        if (!(message.Confidence is >= 0 and <= 1))
        {
            problems.Add($"confidence must lie in 0..1 (was {message.Confidence.ToString(CultureInfo.InvariantCulture)})");
        }

        if (!(message.Sentiment is >= -1 and <= 1))
        {
            problems.Add($"sentiment must lie in -1..1 (was {message.Sentiment.ToString(CultureInfo.InvariantCulture)})");
        }

        if (message.CommitteeScores.Values.Any(score => !(score is >= 0 and <= 1)))
        {
            problems.Add("committeeScores must lie in 0..1");
        }

        return problems;
    }
}
