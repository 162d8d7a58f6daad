using HitlLoop.Contracts;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Storage;

namespace HitlLoop.Tests.TrainingOrchestrator;

/// <summary>Corrections and examples as Feedback would send and this service would store them.</summary>
internal static class TrainingData
{
    public static CorrectionAccepted Correction(string id, string? corrected = null, string original = "Refunds are only possible within 14 days.") => new()
    {
        GoldenExampleId = id,
        ResponseId = "resp-" + id,
        ReviewId = "rev-" + id,
        ProductId = "support-bot",
        Query = "I was charged twice. Can I get the duplicate refunded?",
        Context = new ResponseContext
        {
            RecentTurns =
            [
                new ConversationTurn { Role = "user", Text = "Hi, I have a billing problem." },
                new ConversationTurn { Role = "Assistant", Text = "Sorry to hear that. What happened?" },
            ],
        },
        OriginalText = original,
        CorrectedText = corrected ?? $"Duplicate charges are always refunded in full ({id}).",
        Categories = ["billing", "refunds"],
        ReviewerId = "reviewer-anna",
        ReviewerReliability = 0.93,
        Similarity = 0.4,
        AcceptedAt = DateTimeOffset.UtcNow,
    };

    public static TrainingExample Example(string id, double evalFraction = 0.1, string? original = null, string corrected = "Duplicate charges are always refunded in full.") => new()
    {
        Id = id,
        ProductId = "support-bot",
        Query = "I was charged twice. Can I get the duplicate refunded?",
        RecentTurns =
        [
            new ConversationTurn { Role = "user", Text = "Hi, I have a billing problem." },
            new ConversationTurn { Role = "assistant", Text = "Sorry to hear that. What happened?" },
        ],
        OriginalText = original ?? "Refunds are only possible within 14 days.",
        CorrectedText = corrected,
        Categories = ["billing"],
        Split = DatasetSplits.Assign(id, evalFraction),
        IsPreferencePair = DatasetLines.IsPreferencePair(original ?? "Refunds are only possible within 14 days.", corrected),
    };
}
