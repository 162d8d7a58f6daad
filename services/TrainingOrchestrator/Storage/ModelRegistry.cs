using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.TrainingOrchestrator.Storage;

internal sealed class ModelRegistry : IModelRegistry, IStoreSetup
{
    private readonly IDocumentCollection<ModelVersion> _models;

    public ModelRegistry(IDocumentStoreFactory stores)
    {
        _models = stores.ForService(TrainingOrchestratorService.ServiceName).GetCollection<ModelVersion>(ModelVersion.CollectionName);
    }

    public IDocumentCollection<ModelVersion> Models => _models;

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _models.EnsureIndexAsync(m => m.CompletedAt, cancellationToken: cancellationToken);
        await _models.EnsureIndexAsync(m => m.OutboxPending, cancellationToken: cancellationToken);
    }

    public Task<ModelVersion> RecordOnceAsync(ModelVersion model, CancellationToken cancellationToken) =>
        _models.InsertOnceAsync(model, cancellationToken);

    public Task<IReadOnlyList<ModelVersion>> ListAsync(int limit, CancellationToken cancellationToken) =>
        _models.FindAsync(m => true, m => m.CompletedAt, descending: true, limit, cancellationToken);

    public async Task<ModelVersion?> LatestPromotedAsync(CancellationToken cancellationToken) =>
        await _models.FindAsync(m => m.Promoted, m => m.CompletedAt, descending: true, limit: 1, cancellationToken) is [var first, ..] ? first : null;
}
