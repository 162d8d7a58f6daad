using System.Runtime.CompilerServices;
using HitlLoop.Feedback.Storage;

namespace HitlLoop.Feedback.Exports;

/// <summary>One page of golden examples, newest first, and the cursor of the next (null on the last page).</summary>
public sealed record GoldenPage(IReadOnlyList<GoldenExample> Items, string? Next);

/// <summary>Reads golden examples in acceptance order a batch at a time, so neither a page nor an export holds more than a batch.</summary>
public sealed class GoldenReader(IFeedbackStore store)
{
    /// <summary>Examples read from the store at a time by an export.</summary>
    public const int ExportBatch = 500;

    /// <summary>How many examples past the ones it returns a filtered page reads at most before it hands back a cursor.</summary>
    private const int MaxScannedPerReturned = 20;

    /// <summary>Newest first. A page filtered by category or label may come back short with a cursor: read on from it.</summary>
    public async Task<GoldenPage> PageAsync(GoldenQuery query, GoldenCursor? after, int limit, CancellationToken cancellationToken)
    {
        var items = new List<GoldenExample>(limit);
        var cursor = after;
        var scanned = 0;
        while (true)
        {
            var batch = await store.GoldenPageAsync(query.From, query.To, newestFirst: true, cursor, limit, cancellationToken);
            foreach (var example in batch)
            {
                cursor = GoldenCursor.At(example);
                scanned++;
                if (query.Matches(example))
                {
                    items.Add(example);
                }

                if (items.Count == limit || scanned >= limit * MaxScannedPerReturned)
                {
                    return new GoldenPage(items, cursor.Encode());
                }
            }

            if (batch.Count < limit)
            {
                return new GoldenPage(items, null);
            }
        }
    }

    /// <summary>Every matching example, oldest first.</summary>
    public async IAsyncEnumerable<GoldenExample> ReadAllAsync(GoldenQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        GoldenCursor? cursor = null;
        while (true)
        {
            var batch = await store.GoldenPageAsync(query.From, query.To, newestFirst: false, cursor, ExportBatch, cancellationToken);
            foreach (var example in batch)
            {
                if (query.Matches(example))
                {
                    yield return example;
                }
            }

            if (batch.Count < ExportBatch)
            {
                yield break;
            }

            cursor = GoldenCursor.At(batch[^1]);
        }
    }
}
