using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.PatternLearner.Storage;

internal sealed class CorrectionStore : ICorrectionStore, IStoreSetup
{
    private readonly IDocumentCollection<CorrectionRecord> _corrections;

    public CorrectionStore(IDocumentStoreFactory stores)
    {
        var store = stores.ForService(PatternLearnerService.ServiceName);
        _corrections = store.GetCollection<CorrectionRecord>("corrections");
        FirstUses = store.GetCollection<CorrectionFirstUse>("first-uses");
    }

    public IDocumentCollection<CorrectionFirstUse> FirstUses { get; }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _corrections.EnsureIndexAsync(c => c.RecordedAt, cancellationToken: cancellationToken);
        await _corrections.EnsureIndexAsync(c => c.DayKey, cancellationToken: cancellationToken);
        await _corrections.EnsureIndexAsync(c => c.RepeatDayKey, cancellationToken: cancellationToken);
        await FirstUses.EnsureIndexAsync(f => f.OutboxPending, cancellationToken: cancellationToken);
    }

    public Task<CorrectionFirstUse> RecordFirstUseOnceAsync(CorrectionFirstUse firstUse, CancellationToken cancellationToken) =>
        FirstUses.InsertOnceAsync(firstUse, cancellationToken);

    public Task MarkServedAsync(string correctionId, DateTime servedAt, CancellationToken cancellationToken) =>
        _corrections.UpdateAsync(
            correctionId,
            c => c.FirstServedAt is null ? c with { FirstServedAt = servedAt, Version = c.Version + 1 } : null,
            cancellationToken);

    public Task<CorrectionRecord> RecordOnceAsync(CorrectionRecord correction, CancellationToken cancellationToken) =>
        _corrections.InsertOnceAsync(correction, cancellationToken);

    public Task<CorrectionRecord?> FindAsync(string correctionId, CancellationToken cancellationToken) =>
        _corrections.FindByIdAsync(correctionId, cancellationToken);

    public Task<IReadOnlyList<CorrectionRecord>> RecordedSinceAsync(DateTime from, int limit, CancellationToken cancellationToken) =>
        _corrections.FindAsync(c => c.RecordedAt >= from, c => c.RecordedAt, limit: limit, cancellationToken: cancellationToken);

    public async Task<(long Corrections, long Repeats)> CountAsync(string productId, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        long corrections = 0, repeats = 0;
        foreach (var day in days)
        {
            var key = CorrectionRecord.DayKeyOf(productId, day);
            corrections += await _corrections.CountAsync(c => c.DayKey == key, cancellationToken);
            repeats += await _corrections.CountAsync(c => c.RepeatDayKey == key, cancellationToken);
        }

        return (corrections, repeats);
    }
}
