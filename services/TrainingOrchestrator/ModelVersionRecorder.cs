using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;

namespace HitlLoop.TrainingOrchestrator;

/// <summary>Closes the loop: records what the ML team trained on which request, and whether it was promoted.</summary>
public sealed class ModelVersionRecorder(IModelRegistry models, IDatasetStore datasets, TimeProvider clock, ILogger<ModelVersionRecorder> logger)
{
    public async Task<ModelVersion> RecordAsync(RetrainCompleted completed, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<RetrainCompleted>(MessageValidators.Problems(completed));

        var snapshot = await datasets.FindSnapshotByRequestAsync(completed.RequestId, cancellationToken);
        if (snapshot is null)
        {
            // Still worth keeping: it is a model that may now serve traffic, and a later retrain starts from it.
            logger.LogWarning(
                "Model {ModelVersion} completes request {RequestId}, which this service never made; recorded without a dataset",
                completed.NewModelVersion,
                completed.RequestId);
        }

        var recorded = await models.RecordOnceAsync(
            new ModelVersion
            {
                Id = completed.NewModelVersion,
                RequestId = completed.RequestId,
                DatasetId = snapshot?.Id,
                Metrics = completed.Metrics ?? new Dictionary<string, double>(),
                Promoted = completed.Promoted,
                CompletedAt = completed.CompletedAt.UtcDateTime,
                RecordedAt = clock.GetUtcNow().UtcDateTime,
            },
            cancellationToken);

        if (recorded.RequestId != completed.RequestId)
        {
            logger.LogWarning(
                "Model {ModelVersion} was already recorded for request {RecordedRequestId}; ignoring its completion of {RequestId}",
                completed.NewModelVersion,
                recorded.RequestId,
                completed.RequestId);
        }
        else
        {
            logger.LogInformation(
                "Model {ModelVersion} trained for {RequestId} ({Promoted})",
                recorded.Id,
                recorded.RequestId,
                recorded.Promoted ? "promoted" : "not promoted");
        }

        return recorded;
    }
}
