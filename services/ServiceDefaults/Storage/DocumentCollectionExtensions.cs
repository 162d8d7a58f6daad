namespace HitlLoop.ServiceDefaults.Storage;

public static class DocumentCollectionExtensions
{
    /// <summary>
    /// Inserts the document unless one with its id exists; returns whichever is stored. The first write for a key
    /// wins, which is what makes consumers idempotent under redelivery and competing replicas.
    /// </summary>
    public static async Task<T> InsertOnceAsync<T>(this IDocumentCollection<T> collection, T document, CancellationToken cancellationToken = default)
        where T : class, IDocument =>
        await collection.TryInsertAsync(document, cancellationToken)
            ? document
            : await collection.FindByIdAsync(document.Id, cancellationToken)
                ?? throw new InvalidOperationException($"{typeof(T).Name} '{document.Id}' exists but cannot be read.");

    /// <summary>
    /// <see cref="InsertOnceAsync{T}"/> for many documents in one store operation: returns, in order, the document
    /// that stands for each (itself, the one stored before, or the earlier one of the list with the same id).
    /// </summary>
    public static Task<IReadOnlyList<T>> InsertManyOnceAsync<T>(
        this IDocumentCollection<T> collection, IReadOnlyList<T> documents, CancellationToken cancellationToken = default)
        where T : class, IDocument =>
        InsertManyOnceAsync(collection, documents, counted: null, cancellationToken);

    /// <summary>
    /// <see cref="InsertManyOnceAsync{T}(IDocumentCollection{T}, IReadOnlyList{T}, CancellationToken)"/>, each inserted
    /// document counted under its key in the same transaction (see <see cref="InsertCounts{T}"/>).
    /// </summary>
    public static async Task<IReadOnlyList<T>> InsertManyOnceAsync<T>(
        this IDocumentCollection<T> collection, IReadOnlyList<T> documents, InsertCounts<T>? counted, CancellationToken cancellationToken = default)
        where T : class, IDocument
    {
        var inserted = counted is null
            ? await collection.TryInsertManyAsync(documents, cancellationToken)
            : await collection.TryInsertManyAsync(documents, counted, cancellationToken);
        var standing = new T[documents.Count];
        var first = new Dictionary<string, T>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            if (inserted[i])
            {
                standing[i] = documents[i];
                first[documents[i].Id] = documents[i];
            }
        }

        for (var i = 0; i < documents.Count; i++)
        {
            standing[i] ??= first.GetValueOrDefault(documents[i].Id)
                ?? await collection.FindByIdAsync(documents[i].Id, cancellationToken)
                ?? throw new InvalidOperationException($"{typeof(T).Name} '{documents[i].Id}' exists but cannot be read.");
        }

        return standing;
    }

    /// <summary>
    /// <see cref="UpdateAsync{T}"/> for a document that may not exist yet: <paramref name="change"/> is applied to
    /// the stored document, or to <paramref name="seed"/> (inserted as version 0) when there is none.
    /// </summary>
    public static async Task<T> UpsertAsync<T>(this IDocumentCollection<T> collection, T seed, Func<T, T?> change, CancellationToken cancellationToken = default)
        where T : class, IDocument
    {
        while (true)
        {
            if (await collection.UpdateAsync(seed.Id, change, cancellationToken) is { } updated)
            {
                return updated;
            }

            if (await collection.TryInsertAsync(seed, cancellationToken) && await collection.UpdateAsync(seed.Id, change, cancellationToken) is { } created)
            {
                return created;
            }
        }
    }

    /// <summary>
    /// Read-modify-write with optimistic concurrency: <paramref name="change"/> gets the current document and
    /// returns the new one (with its version advanced), or null to leave it alone. Retries when another writer won.
    /// </summary>
    public static async Task<T?> UpdateAsync<T>(
        this IDocumentCollection<T> collection,
        string id,
        Func<T, T?> change,
        CancellationToken cancellationToken = default)
        where T : class, IDocument
    {
        const int maxAttempts = 20;
        for (var attempt = 0; attempt < maxAttempts; attempt++)
        {
            var current = await collection.FindByIdAsync(id, cancellationToken);
            if (current is null)
            {
                return null;
            }

            var next = change(current);
            if (next is null)
            {
                return current;
            }

            if (next.Version != current.Version + 1)
            {
                throw new InvalidOperationException($"An update of {typeof(T).Name} '{id}' must advance its version by one.");
            }

            if (await collection.TryReplaceAsync(next, current.Version, cancellationToken))
            {
                return next;
            }
        }

        throw new ConcurrencyConflictException($"{typeof(T).Name} '{id}' kept changing under {maxAttempts} update attempts.");
    }
}

public sealed class ConcurrencyConflictException(string message) : Exception(message);
