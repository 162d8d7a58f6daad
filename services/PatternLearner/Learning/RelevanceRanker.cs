namespace HitlLoop.PatternLearner.Learning;

public sealed record Ranked<T>(T Item, int SharedWords);

/// <summary>
/// Orders stored corrections for few-shot prompting: most content words shared with the caller's query first,
/// then the most recent. Word overlap needs no model and explains itself through the shared-word count.
/// </summary>
public static class RelevanceRanker
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
