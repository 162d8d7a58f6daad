namespace HitlLoop.Contracts;

/// <summary>
/// The largest values the services accept in what chat products and the ML team send; the JSON Schemas in
/// contracts/schemas state the same bounds. A message past one goes to the error queue, a request to a 400 naming the field.
/// </summary>
public static class ContractLimits
{
    /// <summary>Ids (response, conversation, product, account, feedback, request, source, model version), in characters.</summary>
    /// <remarks>At four bytes a character at most, an id stays within the 1,023 bytes LiteDB can index.</remarks>
    public const int IdLength = 200;

    /// <summary>A query, a response, a turn of the conversation, a comment or a correction, in characters.</summary>
    public const int TextLength = 100_000;

    /// <summary>Short names: roles, titles, stages, categories, languages, tiers, committee models, metric names.</summary>
    public const int NameLength = 200;

    /// <summary>A retrieved source's snippet, in characters.</summary>
    public const int SnippetLength = 10_000;

    /// <summary>Recent turns, retrieved sources, committee scores or metrics in one message.</summary>
    public const int ListItems = 100;
}
