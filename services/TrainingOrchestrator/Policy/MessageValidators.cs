using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;
using HitlLoop.TrainingOrchestrator.Datasets;

namespace HitlLoop.TrainingOrchestrator.Policy;

/// <summary>Rejects messages no dataset can use; the reasons become the error-queue fault message.</summary>
public static class MessageValidators
{
    /// <summary>
    /// Bounds one example so a single oversized message cannot push a snapshot chunk past the store's document limit.
    /// </summary>
    public const int MaxExampleCharacters = 200_000;

    private static readonly string[] Roles = [DatasetLines.UserRole, DatasetLines.AssistantRole, DatasetLines.SystemRole];

    public static IReadOnlyList<string> Problems(CorrectionAccepted? message)
    {
        if (message is null)
        {
            return ["the message body is empty"];
        }

        var problems = new List<string>();
        Require(problems, message.GoldenExampleId, "goldenExampleId");
        Require(problems, message.ProductId, "productId");
        Require(problems, message.Query, "query");
        Require(problems, message.CorrectedText, "correctedText");

        var turns = message.Context?.RecentTurns ?? [];
        foreach (var role in turns.Select(t => t.Role).Where(r => !Roles.Contains(r?.Trim(), StringComparer.OrdinalIgnoreCase)).Distinct())
        {
            problems.Add($"context.recentTurns role '{role}' is not one of user, assistant, system");
        }

        var size = (message.Query?.Length ?? 0) + (message.OriginalText?.Length ?? 0) + (message.CorrectedText?.Length ?? 0)
            + turns.Sum(t => t.Text?.Length ?? 0);
        if (size > MaxExampleCharacters)
        {
            problems.Add($"the example holds {size} characters, more than {MaxExampleCharacters}");
        }

        return problems;
    }

    public static IReadOnlyList<string> Problems(RetrainCompleted? message)
    {
        if (message is null)
        {
            return ["the message body is empty"];
        }

        return new FieldChecks()
            .Id("requestId", message.RequestId)
            .Id("newModelVersion", message.NewModelVersion)
            .Scores("metrics", message.Metrics, double.MinValue, double.MaxValue)
            .Messages;
    }

    private static void Require(List<string> problems, string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{name} is required");
        }
    }
}
