namespace HitlLoop.Router.Novelty;

/// <summary>How unlike the product's earlier queries a query is, and how well its topic is already covered by review.</summary>
/// <param name="Novelty">1 minus <paramref name="Similarity"/>: 1 for a query unlike anything seen.</param>
/// <param name="Similarity">TF-IDF cosine to the nearest cluster's leading query, 0..1.</param>
/// <param name="Diversity">1 for a topic no review has covered yet, falling as its reviews add up.</param>
/// <param name="Seen">How many of the product's queries the comparison drew on.</param>
/// <param name="Nearest">The nearest cluster's slot, when any shares a word with the query.</param>
/// <param name="NearestExample">That cluster's leading query, for the decision's explanation.</param>
public sealed record NoveltyAssessment(
    double Novelty,
    double Similarity,
    double Diversity,
    long Seen,
    int? Nearest,
    string? NearestExample,
    IReadOnlyList<QueryTerm> Terms)
{
    /// <summary>What a query with no content words (a greeting, a number) is: nothing to judge, so not novel.</summary>
    public static NoveltyAssessment Empty(long seen) => new(0, 1, 0, seen, null, null, []);
}
