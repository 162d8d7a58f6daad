using HitlLoop.Contracts;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Storage;

namespace HitlLoop.Benchmarks;

/// <summary>Golden examples as TrainingOrchestrator stores them, cycling through five support conversations.</summary>
public static class TrainingExamples
{
    private sealed record Scenario(string Category, string Query, string[] Turns, string Original, string Corrected);

    private static readonly Scenario[] Scenarios =
    [
        new(
            "billing",
            "I was charged twice for my June invoice. Can I get the duplicate charge refunded?",
            ["Hi, I have a billing problem.", "Sorry to hear that. What happened with your bill?"],
            SupportTexts.ShortOriginal,
            SupportTexts.ShortCorrected),
        new(
            "shipping",
            "My order #48213 still hasn't arrived and the tracking hasn't changed in a week. What now?",
            ["Where is my parcel?", "I can check that for you. What is your order number?"],
            SupportTexts.VerboseCasualOriginal,
            SupportTexts.ApologeticCorrected),
        new(
            "account",
            "I lost my phone and can't get the two-factor code. How do I log in?",
            ["I can't log in.", "I'm sorry to hear that. What happens when you try?"],
            "You can reset your password from the login page by clicking Forgot password.",
            "Use one of the backup codes you saved when you turned on two-factor authentication. If you have none, "
            + "reply with the email address on the account and we will verify your identity and reset two-factor "
            + "for you within one business day."),
        new(
            "billing",
            "If I downgrade from Business to Team today, do I lose the rest of this month?",
            [],
            "Downgrades take effect immediately and are not refunded.",
            "Downgrades take effect at the end of your current billing period, so you keep Business features until "
            + "June 30. From July 1 you pay the Team price of $12 per user per month; nothing is lost."),
        new(
            "data",
            "How can I export all my projects before I close my account?",
            ["I want to close my account.", "I can help with that. Would you like to keep a copy of your data first?"],
            "Go to Settings, then Data, and choose Export all. You will get an email with a ZIP download link within an hour.",
            "Go to Settings, then Data, and choose Export all. You will get an email with a ZIP download link within an hour."),
    ];

    public static List<TrainingExample> Create(int count, double evalFraction) =>
    [
        .. Enumerable.Range(1, count).Select(i =>
        {
            var scenario = Scenarios[i % Scenarios.Length];
            var id = $"ge-{i:D6}";
            return new TrainingExample
            {
                Id = id,
                ResponseId = $"resp-{i:D6}",
                ReviewId = $"rev-{i:D6}",
                ProductId = "support-bot",
                Query = scenario.Query,
                RecentTurns =
                [
                    .. scenario.Turns.Select((text, turn) => new ConversationTurn
                    {
                        Role = turn % 2 == 0 ? DatasetLines.UserRole : DatasetLines.AssistantRole,
                        Text = text,
                    }),
                ],
                OriginalText = scenario.Original,
                CorrectedText = scenario.Corrected,
                Categories = [scenario.Category],
                ReviewerId = $"reviewer-{i % 7}",
                ModelVersion = "support-bot-2025.06.1",
                Split = DatasetSplits.Assign(id, evalFraction),
                IsPreferencePair = DatasetLines.IsPreferencePair(scenario.Original, scenario.Corrected),
            };
        }),
    ];
}
