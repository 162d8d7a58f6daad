using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.PatternLearner.Storage;

internal sealed class CorrectionIndex : ICorrectionIndex, IStoreSetup
{
    private readonly IDocumentCollection<CorrectionRecord> _corrections;

    public CorrectionIndex(IDocumentStoreFactory stores)
    {
        _corrections = stores.ForService(PatternLearnerService.ServiceName).GetCollection<CorrectionRecord>("corrections");
    }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _corrections.EnsureIndexAsync(c => c.ProductId, cancellationToken: cancellationToken);
        await _corrections.EnsureIndexAsync(c => c.AcceptedAt, cancellationToken: cancellationToken);
    }

    public Task<CorrectionRecord> RecordOnceAsync(CorrectionRecord correction, CancellationToken cancellationToken) =>
        _corrections.InsertOnceAsync(correction, cancellationToken);

    public Task<CorrectionRecord?> FindAsync(string correctionId, CancellationToken cancellationToken) =>
        _corrections.FindByIdAsync(correctionId, cancellationToken);

    public Task<IReadOnlyList<CorrectionRecord>> RecentAsync(string productId, string? category, int limit, CancellationToken cancellationToken) =>
        category is null
            ? _corrections.FindAsync(c => c.ProductId == productId, c => c.AcceptedAt, descending: true, limit, cancellationToken)
            : _corrections.FindAsync(c => c.ProductId == productId && c.Category == category, c => c.AcceptedAt, descending: true, limit, cancellationToken);
}
