using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

/// <remarks>Every write goes through the file's <see cref="LiteDbWriter"/>, so a read-then-write inside one is atomic.</remarks>
internal sealed partial class LiteDbDocumentCollection<T>(ILiteCollection<T> collection, BsonMapper mapper, LiteDbWriter writer) : IDocumentCollection<T>
    where T : class, IDocument
{
    public Task<bool> TryInsertAsync(T document, CancellationToken cancellationToken = default) =>
        // Looked up first, since a failed insert undoes the writes committed with it; the unique index still decides.
        writer.WriteAsync(
            () => collection.FindById(document.Id) is null && collection.Insert(document) is not null,
            e => (e is LiteException { ErrorCode: LiteException.INDEX_DUPLICATE_KEY }, false),
            cancellationToken);

    public Task<IReadOnlyList<bool>> TryInsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken = default) =>
        InsertManyAsync(documents, counted: null, cancellationToken);

    /// <remarks>The counts are written by the same writer, in the transaction of the insert.</remarks>
    public Task<IReadOnlyList<bool>> TryInsertManyAsync(IReadOnlyList<T> documents, InsertCounts<T> counted, CancellationToken cancellationToken = default) =>
        InsertManyAsync(documents, counted, cancellationToken);

    internal ILiteCollection<T> Collection => collection;

    internal LiteDbWriter Writer => writer;

    private Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<T> documents, InsertCounts<T>? counted, CancellationToken cancellationToken)
    {
        var counts = counted is null ? null : CountsOf(counted);
        if (documents.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<bool>>([]);
        }

        // A lookup by id runs LiteDB's whole query pipeline (about as much work as the insert), so the ids are not
        // looked up unless an insert meets one that is stored; then the batch is undone and inserted with lookups.
        var inserted = new bool[documents.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            inserted[i] = seen.Add(documents[i].Id);
        }

        IReadOnlyList<bool> Optimistic()
        {
            var inserting = documents.Where((_, i) => inserted[i]).ToList();
            collection.Insert(inserting);
            if (counts is not null)
            {
                AddCounts(counts, counted!.Of(inserting));
            }

            return inserted;
        }

        IReadOnlyList<bool> Careful()
        {
            for (var i = 0; i < documents.Count; i++)
            {
                inserted[i] = inserted[i] && collection.FindById(documents[i].Id) is null;
            }

            return Optimistic();
        }

        return writer.WriteAsync(Optimistic, Careful, cancellationToken);
    }

    /// <summary>The counts' own LiteDB collection, which must be of this file: one writer's transaction holds both.</summary>
    private ILiteCollection<DocumentCount> CountsOf(InsertCounts<T> counted) =>
        counted.Counts is LiteDbDocumentCollection<DocumentCount> counts && ReferenceEquals(counts.Writer, writer)
            ? counts.Collection
            : throw new ArgumentException("The counts must be a collection of the same embedded store as the documents.", nameof(counted));

    /// <summary>Runs inside a write: each key's count goes up by what was added (a count not stored yet starts there).</summary>
    private static void AddCounts(ILiteCollection<DocumentCount> counts, IReadOnlyList<(string Key, long Added)> added)
    {
        foreach (var (key, count) in added)
        {
            if (counts.FindById(key) is { } current)
            {
                counts.Update(current with { Count = current.Count + count, Version = current.Version + 1 });
            }
            else
            {
                counts.Insert(new DocumentCount { Id = key, Count = count, Version = 1 });
            }
        }
    }

    public Task<bool> TryReplaceAsync(T document, long expectedVersion, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(
            () => collection.FindById(document.Id) is { } current && current.Version == expectedVersion && collection.Update(document),
            cancellationToken: cancellationToken);

    /// <summary>One write on the writer's thread, so the reads and replaces run one after another in one transaction.</summary>
    public Task<IReadOnlyList<bool>> TryReplaceManyAsync(IReadOnlyList<(T Document, long ExpectedVersion)> replacements, CancellationToken cancellationToken = default) =>
        replacements.Count == 0
            ? Task.FromResult<IReadOnlyList<bool>>([])
            : writer.WriteAsync<IReadOnlyList<bool>>(
                () => [.. replacements.Select(r => collection.FindById(r.Document.Id) is { } current && current.Version == r.ExpectedVersion && collection.Update(r.Document))],
                cancellationToken: cancellationToken);

    public Task<T?> FindByIdAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult<T?>(collection.FindById(id));

    public Task<IReadOnlyList<T>> FindAsync<TKey>(
        Expression<Func<T, bool>> filter,
        Expression<Func<T, TKey>> orderBy,
        bool descending = false,
        int limit = int.MaxValue,
        CancellationToken cancellationToken = default)
    {
        IReadOnlyList<T> found = Find(filter, query => descending ? query.OrderByDescending(orderBy) : query.OrderBy(orderBy), limit);
        return Task.FromResult(found);
    }

    public Task<bool> TryDeleteAsync(string id, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(() => collection.Delete(id), cancellationToken: cancellationToken);

    public Task<IReadOnlyList<T>> FindAsync(Expression<Func<T, bool>> filter, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<T>>(Find(filter, query => query, limit));

    public Task<T?> FindOneAndUpdateAsync<TKey>(
        Expression<Func<T, bool>> filter,
        Expression<Func<T, TKey>> orderBy,
        DocumentUpdate<T> update,
        bool descending = false,
        CancellationToken cancellationToken = default) =>
        writer.WriteAsync(
            () =>
            {
                var current = Find(filter, query => descending ? query.OrderByDescending(orderBy) : query.OrderBy(orderBy), limit: 1).FirstOrDefault();
                if (current is null)
                {
                    return null;
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
                return (T?)updated;
            },
            cancellationToken: cancellationToken);

    /// <remarks>
    /// A filter on one field counts that field's values: where the field is indexed LiteDB then reads the index alone,
    /// not the documents (a count of its own selects the id too, so it loads every matching document).
    /// </remarks>
    public Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default)
    {
        var predicate = mapper.GetExpression(filter);
        if (predicate.Fields.Count != 1)
        {
            return Task.FromResult(IgnoresCase(predicate) ? collection.Find(predicate).LongCount(filter.Compile()) : collection.LongCount(predicate));
        }

        var values = collection.Query().Where(predicate).Select(BsonExpression.Create($"$.{predicate.Fields.Single()}")).ToDocuments();
        if (!IgnoresCase(predicate))
        {
            return Task.FromResult(values.LongCount());
        }

        // Each value comes as a document of that one field, enough for the filter to run on.
        var matches = filter.Compile();
        return Task.FromResult(values.LongCount(value => matches(mapper.ToObject<T>(value))));
    }

    public Task EnsureIndexAsync<TKey>(Expression<Func<T, TKey>> field, bool unique = false, CancellationToken cancellationToken = default) =>
        // An array field is indexed by its elements (LiteDB's multikey form), as MongoDB does by itself.
        writer.WriteAsync(
            () => ArrayField(field) is { } array
                ? collection.EnsureIndex(array.Name, BsonExpression.Create($"$.{FieldName(array)}[*]"), unique)
                : collection.EnsureIndex(field, unique),
            cancellationToken: cancellationToken);

    public Task DropIndexAsync<TKey>(Expression<Func<T, TKey>> field, CancellationToken cancellationToken = default)
    {
        // The name EnsureIndexAsync gave it: the property's for an array field, else LiteDB's own for the field's
        // expression (its letters and digits: "$.DecidedAt" is "DecidedAt").
        var name = ArrayField(field) is { } array ? array.Name : IndexNameRemoved().Replace(mapper.GetIndexExpression(field).Source, "");
        return writer.WriteAsync(() => collection.DropIndex(name), cancellationToken: cancellationToken);
    }

    private static PropertyInfo? ArrayField<TKey>(Expression<Func<T, TKey>> field) =>
        field.Body is MemberExpression { Member: PropertyInfo property } && property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType)
            ? property
            : null;

    [GeneratedRegex("[^a-z0-9]", RegexOptions.IgnoreCase)]
    private static partial Regex IndexNameRemoved();

    /// <summary>The documents the filter matches, in the given order, at most <paramref name="limit"/>.</summary>
    private List<T> Find(Expression<Func<T, bool>> filter, Func<ILiteQueryable<T>, ILiteQueryable<T>> order, int limit)
    {
        var predicate = mapper.GetExpression(filter);
        var query = order(collection.Query().Where(predicate));
        if (!IgnoresCase(predicate))
        {
            return query.Limit(limit).ToList();
        }

        var matches = filter.Compile();
        return [.. query.ToEnumerable().Where(matches).Take(limit)];
    }

    /// <summary>
    /// Whether LiteDB may match more than the filter does: it reads a string's StartsWith as LIKE, which ignores case
    /// whatever the collation, where ids and keys are case-sensitive. The filter then runs again on what it finds.
    /// </summary>
    private static bool IgnoresCase(BsonExpression predicate) => predicate.Source.Contains(" LIKE ", StringComparison.Ordinal);

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
