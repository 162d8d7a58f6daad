using System.Linq.Expressions;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

internal sealed class LiteDbDocumentCollection<T>(ILiteCollection<T> collection, Lock writeLock) : IDocumentCollection<T>
    where T : class, IDocument
{
    public Task<bool> TryInsertAsync(T document, CancellationToken cancellationToken = default)
    {
        try
        {
            collection.Insert(document);
            return Task.FromResult(true);
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    public Task<bool> TryReplaceAsync(T document, long expectedVersion, CancellationToken cancellationToken = default)
    {
        lock (writeLock)
        {
            var current = collection.FindById(document.Id);
            var replaced = current is not null && current.Version == expectedVersion && collection.Update(document);
            return Task.FromResult(replaced);
        }
    }

    public Task<T?> FindByIdAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult<T?>(collection.FindById(id));

    public Task<IReadOnlyList<T>> FindAsync<TKey>(
        Expression<Func<T, bool>> filter,
        Expression<Func<T, TKey>> orderBy,
        bool descending = false,
        int limit = int.MaxValue,
        CancellationToken cancellationToken = default)
    {
        var query = collection.Query().Where(filter);
        var ordered = descending ? query.OrderByDescending(orderBy) : query.OrderBy(orderBy);
        IReadOnlyList<T> found = ordered.Limit(limit).ToList();
        return Task.FromResult(found);
    }

    public Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        Task.FromResult(collection.LongCount(filter));

    public Task EnsureIndexAsync<TKey>(Expression<Func<T, TKey>> field, bool unique = false, CancellationToken cancellationToken = default)
    {
        collection.EnsureIndex(field, unique);
        return Task.CompletedTask;
    }
}
