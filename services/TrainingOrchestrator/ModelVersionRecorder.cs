using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.TrainingOrchestrator.Evaluation;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;

namespace HitlLoop.TrainingOrchestrator;

/// <summary>
/// Closes the loop: records what the ML team trained on which request, has the evaluation gate decide whether it is
/// promoted, and announces the decision (<see cref="RetrainEvaluated"/>) once, with the record.
/// </summary>
public sealed class ModelVersionRecorder(
    IModelRegistry models,
    IDatasetStore datasets,
    EvaluationGate gate,
    DocumentOutbox<ModelVersion> outbox,
    RetrainRequests requests,
    SignalWatch signals,
    TimeProvider clock,
    ILogger<ModelVersionRecorder> logger)
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

        var promoted = await models.LatestPromotedAsync(cancellationToken);
        var evaluation = gate.Decide(completed, snapshot?.Id, promoted?.Id == completed.NewModelVersion ? null : promoted?.Metrics);
        var recorded = await models.RecordOnceAsync(
            new ModelVersion
            {
                Id = completed.NewModelVersion,
                RequestId = completed.RequestId,
                DatasetId = snapshot?.Id,
                Metrics = completed.Metrics ?? new Dictionary<string, double>(),
                BaselineMetrics = completed.BaselineMetrics is { Count: > 0 } reported ? reported : promoted?.Metrics ?? new Dictionary<string, double>(),
                Promoted = evaluation.Decision == ModelDecision.Promoted,
                Recommended = completed.Promoted,
                Evaluation = evaluation,
                CompletedAt = completed.CompletedAt.UtcDateTime,
                RecordedAt = clock.GetUtcNow().UtcDateTime,
                Outbox = [Outbox.Message(evaluation, clock)],
                OutboxPending = true,
            },
            cancellationToken);

        // A redelivery finds the record standing; its decision goes out (again, if a crash kept it in the outbox).
        if (recorded.OutboxPending)
        {
            await outbox.PublishAsync(recorded, cancellationToken);
        }

        // The request closes with the gate's decision on the first model reported for it; a redelivery changes nothing.
        if (snapshot is not null && recorded.RequestId == completed.RequestId && recorded.Evaluation is { } decided)
        {
            await requests.MoveAsync(
                completed.RequestId,
                decided.Decision == ModelDecision.Promoted ? RetrainStatus.Promoted : RetrainStatus.Rejected,
                $"{recorded.Id}: {string.Join("; ", decided.Reasons)}",
                cancellationToken);

            // A model worse than the serving one is itself a reason to retrain (once the request is closed).
            await signals.EvaluatedAsync(decided, cancellationToken);
        }

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
                "Model {ModelVersion} trained for {RequestId}: {Decision} ({Reasons})",
                recorded.Id,
                recorded.RequestId,
                recorded.Promoted ? "promoted" : "rejected",
                string.Join("; ", recorded.Evaluation?.Reasons ?? []));
        }

        return recorded;
    }
}
