using HitlLoop.Contracts;

namespace HitlLoop.PatternLearner.Learning;

/// <summary>Rejects accepted corrections no pattern can be learned from; the reasons become the fault message.</summary>
public static class CorrectionAcceptedValidator
{
    public static IReadOnlyList<string> Problems(CorrectionAccepted? message)
    {
        if (message is null)
        {
            return ["the message body is empty"];
        }

        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(message.GoldenExampleId))
        {
            problems.Add("goldenExampleId is required");
        }

        if (string.IsNullOrWhiteSpace(message.ProductId))
        {
            problems.Add("productId is required");
        }

        if (string.IsNullOrWhiteSpace(message.CorrectedText))
        {
            problems.Add("correctedText is required");
        }

        return problems;
    }
}
