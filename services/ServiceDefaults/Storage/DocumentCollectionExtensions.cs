namespace HitlLoop.ServiceDefaults.Storage;

public static class DocumentCollectionExtensions
{
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
