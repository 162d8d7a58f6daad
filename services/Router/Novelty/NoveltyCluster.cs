using HitlLoop.Router.Signals;

namespace HitlLoop.Router.Novelty;

/// <summary>
/// A group of a product's queries alike enough to count as one topic, stored in one of the product's slots and led
/// by the first query that opened it. Counts are added in batches, so a crash loses at most a few seconds of them.
/// </summary>
public sealed record NoveltyCluster : ISignal
{
    /// <summary>The product's id, then <c>#</c> and the slot: a product keeps a bounded number of clusters.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public required int Slot { get; init; }

    /// <summary>The leading query's stemmed terms, a term repeated as often as the query used it.</summary>
    public required IReadOnlyList<string> Terms { get; init; }

    /// <summary>The leading query, redacted and cut short: what a decision names as the nearest one seen.</summary>
    public required string Example { get; init; }

    /// <summary>Queries counted into the cluster.</summary>
    public int Seen { get; init; }

    /// <summary>Of those, the ones sent to review: what makes the topic covered.</summary>
    public int Reviewed { get; init; }

    public DateTime OpenedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    private const int ExampleLength = 200;

    public static string IdOf(string productId, int slot) => $"{productId}#{slot}";

    /// <summary>A cluster opened in <paramref name="slot"/> by one query, led by its terms and <paramref name="example"/>.</summary>
    public static NoveltyCluster Open(string productId, int slot, IReadOnlyList<QueryTerm> terms, string example, bool reviewed, DateTime at) => new()
    {
        Id = IdOf(productId, slot),
        ProductId = productId,
        Slot = slot,
        Terms = [.. terms.SelectMany(t => Enumerable.Repeat(t.Term, t.Count))],
        Example = example.Length > ExampleLength ? example[..ExampleLength] + "…" : example,
        Seen = 1,
        Reviewed = reviewed ? 1 : 0,
        OpenedAt = at,
        UpdatedAt = at,
    };
}
