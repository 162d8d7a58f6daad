using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>The history of models trained on our datasets.</summary>
public interface IModelRegistry
{
    /// <summary>Records the model unless it was recorded before; returns the record that stands.</summary>
    Task<ModelVersion> RecordOnceAsync(ModelVersion model, CancellationToken cancellationToken);

    /// <summary>Newest completion first.</summary>
    Task<IReadOnlyList<ModelVersion>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The models, for their outbox.</summary>
    IDocumentCollection<ModelVersion> Models { get; }

    /// <summary>The model serving traffic now: the most recently completed one the gate promoted.</summary>
    Task<ModelVersion?> LatestPromotedAsync(CancellationToken cancellationToken);
}
