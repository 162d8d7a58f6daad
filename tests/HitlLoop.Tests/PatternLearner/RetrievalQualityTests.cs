using System.Globalization;
using System.Text.Json;
using HitlLoop.PatternLearner.Retrieval;
using HitlLoop.PatternLearner.Storage;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>
/// Guidance retrieval measured on a labelled set written for these tests (Data/retrieval/*.json): sales and support
/// corrections of two products, and queries each with the corrections that answer the same need. Many queries say it
/// in other words than those corrections; many share words with corrections of another need.
/// </summary>
public sealed class RetrievalQualityTests
{
    private const int K = 3;

    private static readonly Lazy<RetrievalSet> Set = new(RetrievalSet.Load);

    [Test]
    public void The_set_is_as_large_as_it_says()
    {
        Assert.That(Set.Value.Corrections, Has.Count.GreaterThanOrEqualTo(400));
        Assert.That(Set.Value.Queries, Has.Count.GreaterThanOrEqualTo(40));
        Assert.That(Set.Value.Queries.SelectMany(q => q.Relevant), Is.SubsetOf(Set.Value.Corrections.Select(c => c.Id)));
    }

    [Test]
    public void Meaning_puts_a_right_correction_in_the_top_three_for_nine_queries_in_ten_far_more_often_than_words()
    {
        using var search = CorrectionSearch.InMemory(TextEmbedder.Shared);
        search.Add(Set.Value.Corrections);

        var shipped = Measure(q => search.Search(q.ProductId, q.Category, q.Query, q.Draft, 10).Select(h => h.CorrectionId).ToList());
        var words = Measure(q => search.SearchByWords(q.ProductId, q.Category, q.Query, q.Draft, 10).Select(h => h.CorrectionId).ToList());
        var overlap = Measure(q => WordOverlapBaseline
            .Rank(q.Query, Set.Value.Corrections.Where(c => c.ProductId == q.ProductId && (q.Category is null || c.Category is null || c.Category == q.Category)), c => c.Query, c => c.AcceptedAt, 10)
            .Select(r => r.Item.Id)
            .ToList());

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Set.Value.Queries.Count} queries over {Set.Value.Corrections.Count} corrections: MiniLM recall@{K} {shipped.Recall:F3}, hit@{K} {shipped.Hit:F3}, MRR {shipped.Mrr:F3}; " +
            $"BM25 recall@{K} {words.Recall:F3}, hit@{K} {words.Hit:F3}, MRR {words.Mrr:F3}; shared words recall@{K} {overlap.Recall:F3}, hit@{K} {overlap.Hit:F3}, MRR {overlap.Mrr:F3}"));
        // Measured at hit@3 0.937, MRR 0.874, recall@3 0.680 (one search by cosine alone: 0.905, 0.876, 0.616): a
        // query's first right answer is nearly always found, but its two or three differently worded siblings do not
        // all make the top three. The search moved towards the first find is what lifts recall past 0.66.
        Assert.That(shipped.Hit, Is.GreaterThanOrEqualTo(0.92), $"hit@{K}");
        Assert.That(shipped.Mrr, Is.GreaterThanOrEqualTo(0.85), "MRR");
        Assert.That(shipped.Recall, Is.GreaterThanOrEqualTo(0.66), $"recall@{K}");
        Assert.That(shipped.Recall, Is.GreaterThan(words.Recall + 0.1).And.GreaterThan(overlap.Recall + 0.2), $"recall@{K} against BM25 and shared words");
        Assert.That(shipped.Mrr, Is.GreaterThan(words.Mrr + 0.1).And.GreaterThan(overlap.Mrr + 0.2), "MRR against BM25 and shared words");
    }

    [Test]
    public void A_category_scopes_the_search_to_its_own_corrections_and_those_without_one()
    {
        using var search = CorrectionSearch.InMemory(TextEmbedder.Shared);
        var accepted = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        CorrectionRecord Correction(string id, string? category) => new()
        {
            Id = id,
            ProductId = "shop",
            Category = category,
            Query = "Can I get a refund for my order?",
            OriginalText = "No.",
            CorrectedText = "Yes, within 30 days of delivery.",
            AcceptedAt = accepted,
            RecordedAt = accepted,
        };
        search.Add([Correction("billing-1", "billing"), Correction("general-1", null), Correction("shipping-1", "shipping"), Correction("Billing-2", "Billing")]);

        string[] Found(Func<string?, IReadOnlyList<CorrectionHit>> find, string? category) =>
            [.. find(category).Select(h => h.CorrectionId).Order(StringComparer.Ordinal)];

        foreach (var find in new Func<string?, IReadOnlyList<CorrectionHit>>[]
        {
            category => search.Search("shop", category, "refund for an order", null, 10),
            category => search.SearchByWords("shop", category, "refund for an order", null, 10),
        })
        {
            Assert.That(Found(find, "billing"), Is.EqualTo(new[] { "billing-1", "general-1" }));
            Assert.That(Found(find, "shipping"), Is.EqualTo(new[] { "general-1", "shipping-1" }));
            Assert.That(Found(find, null), Is.EqualTo(new[] { "Billing-2", "billing-1", "general-1", "shipping-1" }));
        }
    }

    /// <summary>
    /// Mean recall@3 (share of a query's relevant corrections in its top 3), hit@3 (share of queries with one in
    /// their top 3) and mean reciprocal rank over the top 10.
    /// </summary>
    private static (double Recall, double Hit, double Mrr) Measure(Func<RetrievalQuery, IReadOnlyList<string>> rank)
    {
        double recall = 0, hits = 0, reciprocal = 0;
        foreach (var query in Set.Value.Queries)
        {
            var ranked = rank(query);
            recall += (double)ranked.Take(K).Count(query.Relevant.Contains) / query.Relevant.Count;
            hits += ranked.Take(K).Any(query.Relevant.Contains) ? 1 : 0;
            var first = ranked.ToList().FindIndex(query.Relevant.Contains);
            reciprocal += first < 0 ? 0 : 1.0 / (first + 1);
        }

        return (recall / Set.Value.Queries.Count, hits / Set.Value.Queries.Count, reciprocal / Set.Value.Queries.Count);
    }
}

public sealed record RetrievalQuery(string Id, string ProductId, string? Category, string Query, string? Draft, IReadOnlyList<string> Relevant);

/// <summary>The labelled retrieval set: each file is one product's corrections and queries.</summary>
public sealed record RetrievalSet(IReadOnlyList<CorrectionRecord> Corrections, IReadOnlyList<RetrievalQuery> Queries)
{
    public static RetrievalSet Load()
    {
        var corrections = new List<CorrectionRecord>();
        var queries = new List<RetrievalQuery>();
        var accepted = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var file in Directory.GetFiles(Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", "retrieval"), "*.json").Order(StringComparer.Ordinal))
        {
            var productId = Path.GetFileNameWithoutExtension(file);
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var c in json.RootElement.GetProperty("corrections").EnumerateArray())
            {
                accepted = accepted.AddMinutes(7);
                corrections.Add(new CorrectionRecord
                {
                    Id = c.GetProperty("id").GetString()!,
                    ProductId = productId,
                    Category = c.GetProperty("category").GetString(),
                    Query = c.GetProperty("query").GetString()!,
                    OriginalText = c.GetProperty("original").GetString()!,
                    CorrectedText = c.GetProperty("corrected").GetString()!,
                    AcceptedAt = accepted,
                    RecordedAt = accepted,
                });
            }

            foreach (var q in json.RootElement.GetProperty("queries").EnumerateArray())
            {
                queries.Add(new RetrievalQuery(
                    q.GetProperty("id").GetString()!,
                    productId,
                    q.GetProperty("category").GetString(),
                    q.GetProperty("query").GetString()!,
                    q.TryGetProperty("draft", out var draft) ? draft.GetString() : null,
                    [.. q.GetProperty("relevant").EnumerateArray().Select(r => r.GetString()!)]));
            }
        }

        return new RetrievalSet(corrections, queries);
    }
}
