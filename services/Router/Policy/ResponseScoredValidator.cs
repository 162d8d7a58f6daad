using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;

namespace HitlLoop.Router.Policy;

/// <summary>
/// Rejects scored responses no policy can judge, or too large to keep: the reasons become the error-queue fault
/// message, and the embedded host's HTTP ingestion answers them as a 400 naming each field.
/// </summary>
public static class ResponseScoredValidator
{
    public static IReadOnlyList<string> Problems(ResponseScored? message) =>
        message is null ? ["the message body is empty"] : Check(message).Messages;

    public static FieldChecks Check(ResponseScored message)
    {
        var checks = new FieldChecks()
            .Id("responseId", message.ResponseId)
            .Id("productId", message.ProductId)
            .Id("conversationId", message.ConversationId, required: false)
            .Id("modelVersion", message.ModelVersion, required: false)
            .Text("query", message.Query)
            .Text("response", message.Response)
            .Range("confidence", message.Confidence, 0, 1)
            .Range("sentiment", message.Sentiment, -1, 1)
            .Scores("committeeScores", message.CommitteeScores, 0, 1);

        checks.Present("context", message.Context);
        var context = message.Context ?? new ResponseContext();
        checks
            .Each("context.recentTurns", context.RecentTurns, (c, field, turn) => c
                .Text($"{field}.role", turn?.Role, ContractLimits.NameLength)
                .Text($"{field}.text", turn?.Text))
            .Each("context.retrievedSources", context.RetrievedSources, (c, field, source) => c
                .Id($"{field}.id", source?.Id, required: false)
                .Text($"{field}.title", source?.Title, ContractLimits.NameLength)
                .Text($"{field}.snippet", source?.Snippet, ContractLimits.SnippetLength))
            .Id("context.account.accountId", context.Account?.AccountId, required: false)
            .Text("context.account.tier", context.Account?.Tier, ContractLimits.NameLength)
            .Text("context.stage", context.Stage, ContractLimits.NameLength)
            .Text("context.category", context.Category, ContractLimits.NameLength)
            .Text("context.language", context.Language, ContractLimits.NameLength);
        return checks;
    }
}
