using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.TrainingOrchestrator;

public enum SnapshotOutcome
{
    Built,

    /// <summary>The new examples do not justify a retrain (or there are none).</summary>
    NotDue,

    /// <summary>Another replica committed the same dataset version first; its snapshot stands.</summary>
    Superseded,
}

public sealed record SnapshotResult(SnapshotOutcome Outcome, PendingExamples Pending, DatasetSnapshot? Snapshot = null);

/// <summary>
/// Turns accepted corrections into training examples, and new examples into dataset snapshots and retrain
/// requests when the retrain policy (or a person) says so.
/// </summary>
public sealed class RetrainCoordinator(
    IDatasetStore datasets,
    DocumentOutbox<DatasetSnapshot> outbox,
    IModelRegistry models,
    RetrainPolicy policy,
    DatasetBuilder builder,
    IOptions<TrainingOrchestratorOptions> options,
    TimeProvider clock,
    ILogger<RetrainCoordinator> logger) : IDisposable
{
    // Consumer and HTTP trigger in one process take turns; across replicas the snapshot insert decides.
    private readonly SemaphoreSlim _building = new(1, 1);

    /// <summary>Stores the correction as a training example and builds a snapshot if enough new ones wait.</summary>
    public async Task<SnapshotResult> AcceptAsync(CorrectionAccepted correction, CancellationToken cancellationToken)
    {
        MessageValidationException.ThrowIfAny<CorrectionAccepted>(MessageValidators.Problems(correction));
        if (correction.DuplicateOf is { } original)
        {
            // Its triplet is in the data already: training on it twice would only weigh it double.
            logger.LogDebug("Golden example {ExampleId} repeats {Original}; not added", correction.GoldenExampleId, original);
            return new SnapshotResult(SnapshotOutcome.NotDue, await datasets.CountPendingAsync(cancellationToken));
        }

        if (!await datasets.AddExampleAsync(ToExample(correction), cancellationToken))
        {
            logger.LogDebug("Golden example {ExampleId} was already stored", correction.GoldenExampleId);
        }

        // Checked on a redelivery too: the first delivery may have stored the example and died before building.
        return await BuildSnapshotAsync(policy.Evaluate, cancellationToken);
    }

    /// <summary>A person asked for a retrain: snapshot everything, provided something is new.</summary>
    public Task<SnapshotResult> RequestManuallyAsync(CancellationToken cancellationToken) =>
        BuildSnapshotAsync(RetrainPolicy.Manual, cancellationToken);

    public void Dispose() => _building.Dispose();

    private async Task<SnapshotResult> BuildSnapshotAsync(Func<PendingExamples, RetrainTrigger?> decide, CancellationToken cancellationToken)
    {
        await _building.WaitAsync(cancellationToken);
        try
        {
            var pending = await datasets.CountPendingAsync(cancellationToken);
            if (decide(pending) is null)
            {
                return new SnapshotResult(SnapshotOutcome.NotDue, pending);
            }

            // A crash between a snapshot's commit and the marking of its examples leaves them looking new;
            // finish that marking before counting again, so no example is counted twice.
            var latest = await datasets.LatestSnapshotAsync(cancellationToken);
            if (latest is not null && await datasets.MarkIncludedAsync(latest, cancellationToken) > 0)
            {
                pending = await datasets.CountPendingAsync(cancellationToken);
            }

            if (decide(pending) is not { } trigger)
            {
                return new SnapshotResult(SnapshotOutcome.NotDue, pending);
            }

            var examples = await datasets.AllExamplesAsync(cancellationToken);
            var baseModel = (await models.LatestPromotedAsync(cancellationToken))?.Id ?? options.Value.BaseModelVersion;
            var build = builder.Build(examples, (latest?.DatasetVersion ?? 0) + 1, trigger, baseModel, clock.GetUtcNow());
            var snapshot = await datasets.TryCommitAsync(ToSnapshot(build, examples), build.Lines, cancellationToken);
            if (snapshot is null)
            {
                logger.LogInformation("Dataset {DatasetId} was committed by another replica first", build.DatasetId);
                return new SnapshotResult(SnapshotOutcome.Superseded, pending);
            }

            logger.LogInformation(
                "Dataset {DatasetId} snapshotted: {Examples} examples ({Train} train, {Eval} eval), {Reason}; requesting retrain {RequestId}",
                snapshot.Id,
                build.Counts.Examples,
                build.Counts.Train,
                build.Counts.Eval,
                trigger.Reason,
                build.Request.RequestId);

            // Left in the snapshot's outbox for the sweeper when the broker is down.
            await outbox.PublishAsync(snapshot, cancellationToken);
            await datasets.MarkIncludedAsync(snapshot, cancellationToken);
            return new SnapshotResult(SnapshotOutcome.Built, pending, snapshot);
        }
        finally
        {
            _building.Release();
        }
    }

    private DatasetSnapshot ToSnapshot(DatasetBuild build, IReadOnlyList<TrainingExample> examples) => new()
    {
        Id = build.DatasetId,
        DatasetVersion = build.DatasetVersion,
        RequestId = build.Request.RequestId,
        CreatedAt = build.Request.RequestedAt.UtcDateTime,
        ContentHash = build.ContentHash,
        Counts = build.Counts,
        Files = build.Files,
        TriggerReason = build.Request.TriggerReason,
        Evidence = build.Request.Evidence,
        NewExampleIds = [.. examples.Where(e => e.SnapshotId is null).Select(e => e.Id).Order(StringComparer.Ordinal)],
        Request = build.Request,
        Outbox = [Outbox.Message(build.Request, clock)],
        OutboxPending = true,
    };

    private TrainingExample ToExample(CorrectionAccepted correction) => new()
    {
        Id = correction.GoldenExampleId,
        ResponseId = correction.ResponseId ?? "",
        ReviewId = correction.ReviewId ?? "",
        ProductId = correction.ProductId,
        Query = correction.Query,
        RecentTurns = [.. (correction.Context?.RecentTurns ?? []).Select(t => t with { Role = t.Role.Trim().ToLowerInvariant(), Text = t.Text ?? "" })],
        OriginalText = correction.OriginalText ?? "",
        CorrectedText = correction.CorrectedText,
        Categories = correction.Categories ?? [],
        ReviewerId = correction.ReviewerId ?? "",
        ModelVersion = correction.ModelVersion,
        AcceptedAt = correction.AcceptedAt.UtcDateTime,
        ReceivedAt = clock.GetUtcNow().UtcDateTime,
        Split = DatasetSplits.Assign(correction.GoldenExampleId, options.Value.EvalFraction),
        IsPreferencePair = DatasetLines.IsPreferencePair(correction.OriginalText ?? "", correction.CorrectedText),
    };
}
