using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

internal sealed class LiteDbDocumentCollection<T>(ILiteCollection<T> collection, BsonMapper mapper, Lock writeLock) : IDocumentCollection<T>
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

    public Task<T?> FindOneAndUpdateAsync<TKey>(
        Expression<Func<T, bool>> filter,
        Expression<Func<T, TKey>> orderBy,
        DocumentUpdate<T> update,
        bool descending = false,
        CancellationToken cancellationToken = default)
    {
        // Every writer of an existing document holds this lock, so nothing can change the document between the
        // read and the write; the write itself is one LiteDB transaction.
        lock (writeLock)
        {
            var query = collection.Query().Where(filter);
            var current = (descending ? query.OrderByDescending(orderBy) : query.OrderBy(orderBy)).Limit(1).FirstOrDefault();
            if (current is null)
            {
                return Task.FromResult<T?>(null);
            }

            var document = mapper.ToDocument(current);
            var changes = new Changes(mapper, document);
            foreach (var change in update.Changes)
            {
                change.Accept(changes);
            }

            document[FieldName(typeof(T).GetProperty(nameof(IDocument.Version))!)] = current.Version + 1;
            var updated = mapper.ToObject<T>(document);
            collection.Update(updated);
            return Task.FromResult<T?>(updated);
        }
    }

    public Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        Task.FromResult(collection.LongCount(filter));

    public Task EnsureIndexAsync<TKey>(Expression<Func<T, TKey>> field, bool unique = false, CancellationToken cancellationToken = default)
    {
        // An array field is indexed by its elements (LiteDB's multikey form), as MongoDB does by itself.
        if (field.Body is MemberExpression { Member: PropertyInfo property } &&
            property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
        {
            collection.EnsureIndex(property.Name, BsonExpression.Create($"$.{FieldName(property)}[*]"), unique);
        }
        else
        {
            collection.EnsureIndex(field, unique);
        }

        return Task.CompletedTask;
    }

    // Id (stored as _id) is never assigned, so every field the updates touch is named by the mapper's naming rule.
    private string FieldName(PropertyInfo property) => mapper.ResolveFieldName(property.Name);

    private sealed class Changes(BsonMapper mapper, BsonDocument document) : IFieldChangeVisitor<T>
    {
        public void Visit<TValue>(FieldChangeKind kind, LambdaExpression? field, PropertyInfo property, TValue value)
        {
            var name = mapper.ResolveFieldName(property.Name);
            var stored = document.TryGetValue(name, out var found) ? found : BsonValue.Null;
            var given = mapper.Serialize(value);
            document[name] = kind switch
            {
                FieldChangeKind.Set => given,
                FieldChangeKind.Increment => stored.AsInt32 + given.AsInt32,
                FieldChangeKind.Append => new BsonArray(stored.IsArray ? stored.AsArray.Append(given) : [given]),
                FieldChangeKind.Lower => stored.IsNull || given.CompareTo(stored) < 0 ? given : stored,
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            };
        }
    }
}
