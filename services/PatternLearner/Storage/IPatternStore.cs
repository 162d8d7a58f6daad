namespace HitlLoop.PatternLearner.Storage;

/// <summary>Patterns, their member corrections, and their rules.</summary>
public interface IPatternStore
{
    /// <summary>Adds the correction to the pattern; a no-op when it is already a member.</summary>
    Task AddExampleAsync(PatternExample example, CancellationToken cancellationToken);

    /// <summary>Corrections repeating the pattern's mistake on each of <paramref name="days"/>.</summary>
    Task<long> CountRepeatsAsync(string patternId, IEnumerable<DateOnly> days, CancellationToken cancellationToken);

    Task<int> CountExamplesAsync(string patternId, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<PatternExample>> LatestExamplesAsync(string patternId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the stored pattern, or to <paramref name="empty"/> when there is none yet,
    /// with optimistic retries; returns the pattern as it stands afterwards.
    /// </summary>
    Task<Pattern> UpdateAsync(Pattern empty, Func<Pattern, Pattern?> change, CancellationToken cancellationToken);

    Task<Pattern?> FindAsync(string patternId, CancellationToken cancellationToken);

    /// <summary>Most examples first.</summary>
    Task<IReadOnlyList<Pattern>> ListAsync(string? productId, int limit, CancellationToken cancellationToken);

    /// <summary>The collection, for the outbox of lead's changes.</summary>
    HitlLoop.ServiceDefaults.Storage.IDocumentCollection<Pattern> Patterns { get; }

    /// <summary>The product's patterns that have a rule.</summary>
    Task<IReadOnlyList<Pattern>> WithRulesAsync(string productId, CancellationToken cancellationToken);
}
