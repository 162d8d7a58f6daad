namespace HitlLoop.ServiceDefaults.Storage;

/// <summary>
/// How many documents of one key a collection has had inserted, written by the store in the same transaction as the
/// inserts (see <see cref="InsertCounts{T}"/>): a count read in one lookup, where an index over the documents would
/// cost every insert an entry.
/// </summary>
public sealed record DocumentCount : IDocument
{
    /// <summary>The key the documents are counted under.</summary>
    public required string Id { get; init; }

    /// <summary>Advanced by one for each store operation that adds to the count.</summary>
    public long Version { get; init; }

    public long Count { get; init; }
}

/// <summary>
/// Where a batch insert counts what it inserts: each inserted document adds one to the count of its key
/// (<paramref name="KeyOf"/>) in <paramref name="Counts"/>, a collection of the same store, in the same transaction.
/// </summary>
public sealed record InsertCounts<T>(IDocumentCollection<DocumentCount> Counts, Func<T, string> KeyOf)
{
    /// <summary>The inserted documents' counts by key, in the order the keys first appear.</summary>
    public IReadOnlyList<(string Key, long Added)> Of(IEnumerable<T> inserted) =>
        [.. inserted.CountBy(KeyOf, StringComparer.Ordinal).Select(pair => (pair.Key, (long)pair.Value))];
}
