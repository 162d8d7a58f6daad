using System.Linq.Expressions;

namespace HitlLoop.ServiceDefaults.Storage;

/// <summary>
/// The small set of document operations the services' storage ports are built from. Both the embedded store
/// and MongoDB implement it with the same semantics, which the store contract tests pin down.
/// </summary>
public interface IDocumentCollection<T>
    where T : class, IDocument
{
    /// <summary>Inserts the document; false when one with the same id already exists (the idempotency check).</summary>
    Task<bool> TryInsertAsync(T document, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts, in one store operation, each document whose id is neither stored nor held by an earlier document of
    /// <paramref name="documents"/>; returns, for each, whether it was inserted. The batch form of <see cref="TryInsertAsync"/>.
    /// </summary>
    Task<IReadOnlyList<bool>> TryInsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="TryInsertManyAsync(IReadOnlyList{T}, CancellationToken)"/>, and in the same transaction each inserted
    /// document adds one to the count of its key in <paramref name="counted"/>: the counts agree with the documents
    /// however the process stops. The counts' collection must be of the same store (for MongoDB, a replica set).
    /// </summary>
    Task<IReadOnlyList<bool>> TryInsertManyAsync(IReadOnlyList<T> documents, InsertCounts<T> counted, CancellationToken cancellationToken = default);

    /// <summary>Replaces the stored document only if its version is still <paramref name="expectedVersion"/>.</summary>
    Task<bool> TryReplaceAsync(T document, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="TryReplaceAsync"/> for many documents in one store operation: each replaces the stored document of
    /// its id only if that one's version is still its expected version; returns, for each, whether it did.
    /// </summary>
    Task<IReadOnlyList<bool>> TryReplaceManyAsync(IReadOnlyList<(T Document, long ExpectedVersion)> replacements, CancellationToken cancellationToken = default);

    Task<T?> FindByIdAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Removes the document; false when there was none with that id.</summary>
    Task<bool> TryDeleteAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<T>> FindAsync<TKey>(
        Expression<Func<T, bool>> filter,
        Expression<Func<T, TKey>> orderBy,
        bool descending = false,
        int limit = int.MaxValue,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> documents matching <paramref name="filter"/>, in no promised order. For a set
    /// known to be small (a reviewer's held items), ordering it in memory spares the store a sort: the embedded one
    /// sets aside 800 KB for each sort it runs.
    /// </summary>
    Task<IReadOnlyList<T>> FindAsync(Expression<Func<T, bool>> filter, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically takes the first document matching <paramref name="filter"/> in the given order, applies
    /// <paramref name="update"/> and advances its version: two callers racing for the same document never both get
    /// it. Returns the document as updated, or null when nothing matches.
    /// </summary>
    Task<T?> FindOneAndUpdateAsync<TKey>(
        Expression<Func<T, bool>> filter,
        Expression<Func<T, TKey>> orderBy,
        DocumentUpdate<T> update,
        bool descending = false,
        CancellationToken cancellationToken = default);

    Task<long> CountAsync(Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default);

    Task EnsureIndexAsync<TKey>(Expression<Func<T, TKey>> field, bool unique = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops the index <see cref="EnsureIndexAsync"/> made on the field, if there is one: an index no query reads any
    /// more still costs every write. Dropping one that is not there does nothing.
    /// </summary>
    Task DropIndexAsync<TKey>(Expression<Func<T, TKey>> field, CancellationToken cancellationToken = default);
}
