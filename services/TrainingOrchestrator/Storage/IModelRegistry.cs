namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>The history of models trained on our datasets.</summary>
public interface IModelRegistry
{
    /// <summary>Records the model unless it was recorded before; returns the record that stands.</summary>
    Task<ModelVersion> RecordOnceAsync(ModelVersion model, CancellationToken cancellationToken);

    /// <summary>Newest completion first.</summary>
    Task<IReadOnlyList<ModelVersion>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>The model serving traffic now: the most recently completed promoted one.</summary>
    Task<ModelVersion?> LatestPromotedAsync(CancellationToken cancellationToken);
}
