using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.PatternLearner.Storage;

internal sealed class PatternStore : IPatternStore, IStoreSetup
{
    private readonly IDocumentCollection<PatternExample> _examples;
    private readonly IDocumentCollection<Pattern> _patterns;

    public IDocumentCollection<Pattern> Patterns => _patterns;

    public PatternStore(IDocumentStoreFactory stores)
    {
        var store = stores.ForService(PatternLearnerService.ServiceName);
        _examples = store.GetCollection<PatternExample>("pattern-examples");
        _patterns = store.GetCollection<Pattern>("patterns");
    }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _examples.EnsureIndexAsync(e => e.PatternId, cancellationToken: cancellationToken);
        await _examples.EnsureIndexAsync(e => e.RepeatKey, cancellationToken: cancellationToken);
        await _patterns.EnsureIndexAsync(p => p.ProductId, cancellationToken: cancellationToken);
        await _patterns.EnsureIndexAsync(p => p.OutboxPending, cancellationToken: cancellationToken);
    }

    public Task AddExampleAsync(PatternExample example, CancellationToken cancellationToken) =>
        _examples.TryInsertAsync(example, cancellationToken);

    public async Task<long> CountRepeatsAsync(string patternId, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        long repeats = 0;
        foreach (var day in days)
        {
            var key = CorrectionRecord.DayKeyOf(patternId, day);
            repeats += await _examples.CountAsync(e => e.RepeatKey == key, cancellationToken);
        }

        return repeats;
    }

    public async Task<int> CountExamplesAsync(string patternId, CancellationToken cancellationToken) =>
        checked((int)await _examples.CountAsync(e => e.PatternId == patternId, cancellationToken));

    public Task<IReadOnlyList<PatternExample>> LatestExamplesAsync(string patternId, int limit, CancellationToken cancellationToken) =>
        _examples.FindAsync(e => e.PatternId == patternId, e => e.AcceptedAt, descending: true, limit, cancellationToken);

    public Task<Pattern> UpdateAsync(Pattern empty, Func<Pattern, Pattern?> change, CancellationToken cancellationToken) =>
        _patterns.UpsertAsync(empty, change, cancellationToken);

    public Task<Pattern?> FindAsync(string patternId, CancellationToken cancellationToken) =>
        _patterns.FindByIdAsync(patternId, cancellationToken);

    public Task<IReadOnlyList<Pattern>> ListAsync(string? productId, int limit, CancellationToken cancellationToken) =>
        productId is null
            ? _patterns.FindAsync(p => true, p => p.ExampleCount, descending: true, limit, cancellationToken)
            : _patterns.FindAsync(p => p.ProductId == productId, p => p.ExampleCount, descending: true, limit, cancellationToken);

    public Task<IReadOnlyList<Pattern>> WithRulesAsync(string productId, CancellationToken cancellationToken) =>
        _patterns.FindAsync(p => p.ProductId == productId && p.RuleVersion > 0, p => p.ExampleCount, descending: true, cancellationToken: cancellationToken);
}
