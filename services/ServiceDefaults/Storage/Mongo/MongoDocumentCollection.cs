using System.Linq.Expressions;
using MongoDB.Driver;
using MongoDB.Driver.Linq;

namespace HitlLoop.ServiceDefaults.Storage.Mongo;

internal sealed class MongoDocumentCollection<T>(IMongoCollection<T> collection) : IDocumentCollection<T>
    where T : class, IDocument
{
    private static readonly FilterDefinitionBuilder<T> Filter = Builders<T>.Filter;

    public async Task<bool> TryInsertAsync(T document, CancellationToken cancellationToken = default)
    {
        try
        {
            await collection.InsertOneAsync(document, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<bool> TryReplaceAsync(T document, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var filter = Filter.Eq("_id", document.Id) & Filter.Eq(nameof(IDocument.Version), expectedVersion);
        var result = await collection.ReplaceOneAsync(filter, document, cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<T?> FindByIdAsync(string id, CancellationToken cancellationToken = default) =>
        await collection.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<T>> FindAsync<TKey>(
        Expression<Func<T, bool>> filter,
        Expression<Func<T, TKey>> orderBy,
        bool descending = false,
        int limit = int.MaxValue,
        CancellationToken cancellationToken = default)
    {
        var query = collection.AsQueryable().Where(filter);
        var ordered = descending ? query.OrderByDescending(orderBy) : query.OrderBy(orderBy);
        return await ordered.Take(limit).ToListAsync(cancellationToken);
    }

    public Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        collection.CountDocumentsAsync(filter, cancellationToken: cancellationToken);

    public async Task EnsureIndexAsync<TKey>(Expression<Func<T, TKey>> field, bool unique = false, CancellationToken cancellationToken = default)
    {
        var key = Expression.Lambda<Func<T, object>>(Expression.Convert(field.Body, typeof(object)), field.Parameters);
        var model = new CreateIndexModel<T>(Builders<T>.IndexKeys.Ascending(key), new CreateIndexOptions { Unique = unique });
        await collection.Indexes.CreateOneAsync(model, cancellationToken: cancellationToken);
    }
}
