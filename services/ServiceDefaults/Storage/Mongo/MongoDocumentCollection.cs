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

    public async Task<IReadOnlyList<bool>> TryInsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken = default)
    {
        // The first document of each id goes to the server; a later one in the list is refused here.
        var sent = FirstOfEachId(documents);
        var inserted = new bool[documents.Count];
        if (sent.Count == 0)
        {
            return inserted;
        }

        try
        {
            await collection.InsertManyAsync(sent.Select(i => documents[i]), new InsertManyOptions { IsOrdered = false }, cancellationToken);
            Mark(refused: []);
        }
        catch (MongoBulkWriteException<T> e) when (e.WriteConcernError is null && e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey))
        {
            Mark(refused: e.WriteErrors.Select(w => w.Index).ToHashSet());
        }

        return inserted;

        void Mark(HashSet<int> refused)
        {
            for (var k = 0; k < sent.Count; k++)
            {
                inserted[sent[k]] = !refused.Contains(k);
            }
        }
    }

    /// <remarks>
    /// One transaction (a replica set's): the ids already stored are read, the others inserted and their keys' counts
    /// raised with upserts. A racing insert of the same id makes one of the two transactions conflict, and the driver
    /// runs it again, when it finds the id stored.
    /// </remarks>
    public async Task<IReadOnlyList<bool>> TryInsertManyAsync(IReadOnlyList<T> documents, InsertCounts<T> counted, CancellationToken cancellationToken = default)
    {
        var counts = counted.Counts is MongoDocumentCollection<DocumentCount> other
            && ReferenceEquals(other.Collection.Database.Client, collection.Database.Client)
            && other.Collection.Database.DatabaseNamespace.Equals(collection.Database.DatabaseNamespace)
                ? other.Collection
                : throw new ArgumentException("The counts must be a collection of the same MongoDB database as the documents.", nameof(counted));
        var sent = FirstOfEachId(documents);
        var inserted = new bool[documents.Count];
        if (sent.Count == 0)
        {
            return inserted;
        }

        using var session = await collection.Database.Client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync<IReadOnlyList<bool>>(
            async (transaction, token) =>
            {
                var ids = sent.Select(i => documents[i].Id).ToList();
                var stored = (await collection.Find(transaction, Filter.In("_id", ids)).Project(Builders<T>.Projection.Include("_id")).ToListAsync(token))
                    .Select(found => found["_id"].AsString)
                    .ToHashSet(StringComparer.Ordinal);
                foreach (var i in sent)
                {
                    inserted[i] = !stored.Contains(documents[i].Id);
                }

                var fresh = sent.Where(i => inserted[i]).Select(i => documents[i]).ToList();

                if (fresh.Count > 0)
                {
                    await collection.InsertManyAsync(transaction, fresh, cancellationToken: token);
                    var raises = counted.Of(fresh).Select(c => new UpdateOneModel<DocumentCount>(
                        Builders<DocumentCount>.Filter.Eq("_id", c.Key),
                        Builders<DocumentCount>.Update.Inc(nameof(DocumentCount.Count), c.Added).Inc(nameof(DocumentCount.Version), 1L)) { IsUpsert = true });
                    await counts.BulkWriteAsync(transaction, raises, cancellationToken: token);
                }

                return inserted;
            },
            cancellationToken: cancellationToken);
    }

    internal IMongoCollection<T> Collection => collection;

    /// <summary>The positions of the first document of each id in the list.</summary>
    private static List<int> FirstOfEachId(IReadOnlyList<T> documents)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. Enumerable.Range(0, documents.Count).Where(i => seen.Add(documents[i].Id))];
    }

    public async Task<bool> TryReplaceAsync(T document, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var filter = Filter.Eq("_id", document.Id) & Filter.Eq(nameof(IDocument.Version), expectedVersion);
        var result = await collection.ReplaceOneAsync(filter, document, cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    /// <summary>Sent side by side: the server answers each replace on its own, so each result is its own.</summary>
    public async Task<IReadOnlyList<bool>> TryReplaceManyAsync(IReadOnlyList<(T Document, long ExpectedVersion)> replacements, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(replacements.Select(r => TryReplaceAsync(r.Document, r.ExpectedVersion, cancellationToken)));

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

    public async Task<bool> TryDeleteAsync(string id, CancellationToken cancellationToken = default) =>
        (await collection.DeleteOneAsync(d => d.Id == id, cancellationToken)).DeletedCount == 1;

    public async Task<IReadOnlyList<T>> FindAsync(Expression<Func<T, bool>> filter, int limit, CancellationToken cancellationToken = default) =>
        await collection.Find(filter).Limit(limit).ToListAsync(cancellationToken);

    public async Task<T?> FindOneAndUpdateAsync<TKey>(
        Expression<Func<T, bool>> filter,
        Expression<Func<T, TKey>> orderBy,
        DocumentUpdate<T> update,
        bool descending = false,
        CancellationToken cancellationToken = default)
    {
        var options = new FindOneAndUpdateOptions<T>
        {
            Sort = descending ? Builders<T>.Sort.Descending(AsObject(orderBy)) : Builders<T>.Sort.Ascending(AsObject(orderBy)),
            ReturnDocument = ReturnDocument.After,
        };
        return await collection.FindOneAndUpdateAsync(filter, MongoUpdates.Translate(update), options, cancellationToken);
    }

    public Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        collection.CountDocumentsAsync(filter, cancellationToken: cancellationToken);

    public async Task EnsureIndexAsync<TKey>(Expression<Func<T, TKey>> field, bool unique = false, CancellationToken cancellationToken = default)
    {
        var model = new CreateIndexModel<T>(Builders<T>.IndexKeys.Ascending(AsObject(field)), new CreateIndexOptions { Unique = unique });
        await collection.Indexes.CreateOneAsync(model, cancellationToken: cancellationToken);
    }

    public async Task DropIndexAsync<TKey>(Expression<Func<T, TKey>> field, CancellationToken cancellationToken = default)
    {
        // The name MongoDB gave the ascending index EnsureIndexAsync made: "{field}_1".
        var keys = Builders<T>.IndexKeys.Ascending(AsObject(field)).Render(new RenderArgs<T>(collection.DocumentSerializer, collection.Settings.SerializerRegistry));
        try
        {
            await collection.Indexes.DropOneAsync($"{keys.GetElement(0).Name}_1", cancellationToken);
        }
        catch (MongoCommandException e) when (e.CodeName is "IndexNotFound" or "NamespaceNotFound")
        {
            // Not there (or the collection neither): nothing to drop.
        }
    }

    private static Expression<Func<T, object>> AsObject<TKey>(Expression<Func<T, TKey>> field) =>
        Expression.Lambda<Func<T, object>>(Expression.Convert(field.Body, typeof(object)), field.Parameters);

}

public static class MongoUpdates
{
    /// <summary>The update as MongoDB runs it: $set, $inc, $push and $min per change, and the version advanced with $inc.</summary>
    public static UpdateDefinition<T> Translate<T>(DocumentUpdate<T> update)
        where T : class, IDocument
    {
        var changes = new Changes<T>();
        foreach (var change in update.Changes)
        {
            change.Accept(changes);
        }

        changes.Updates.Add(Builders<T>.Update.Inc(nameof(IDocument.Version), 1L));
        return Builders<T>.Update.Combine(changes.Updates);
    }

    private sealed class Changes<T> : IFieldChangeVisitor<T>
        where T : class, IDocument
    {
        public List<UpdateDefinition<T>> Updates { get; } = [];

        public void Visit<TValue>(FieldChangeKind kind, LambdaExpression? field, System.Reflection.PropertyInfo property, TValue value)
        {
            var update = Builders<T>.Update;
            Updates.Add(kind switch
            {
                FieldChangeKind.Set => update.Set((Expression<Func<T, TValue>>)field!, value),
                FieldChangeKind.Increment => update.Inc((Expression<Func<T, TValue>>)field!, value),
                FieldChangeKind.Append => update.Push(new StringFieldDefinition<T>(property.Name), value),
                FieldChangeKind.Lower => update.Min((Expression<Func<T, TValue>>)field!, value),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            });
        }
    }
}
