using HitlLoop.PatternLearner.Learning;

namespace HitlLoop.Tests.PatternLearner;

public sealed record Ranked<T>(T Item, int SharedWords);

/// <summary>
/// How guidance ranked corrections before the search index: most content words shared with the caller's query, then
/// the most recent. Kept as the baseline the retrieval evaluation measures the index against.
/// </summary>
public static class WordOverlapBaseline
{
    public static IReadOnlyList<Ranked<T>> Rank<T>(string? query, IEnumerable<T> candidates, Func<T, string> queryOf, Func<T, DateTime> timeOf, int limit)
    {
        var wanted = ContentWords.Of(query).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. candidates
                .Select(c => new Ranked<T>(c, ContentWords.Of(queryOf(c)).Count(wanted.Contains)))
                .OrderByDescending(r => r.SharedWords)
                .ThenByDescending(r => timeOf(r.Item))
                .Take(limit),
        ];
    }
}
