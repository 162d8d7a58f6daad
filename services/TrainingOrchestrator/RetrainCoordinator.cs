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
    RetrainRequests requests,
    ISignalStore signals,
    IOptions<TrainingOrchestratorOptions> options,
    TimeProvider clock,
    ILogger<RetrainCoordinator> logger) : IDisposable
{
    // Consumer and HTTP trigger in one process take turns; across replicas the build's lease decides.
    private readonly SemaphoreSlim _building = new(1, 1);

    /// <summary>This process's name on the build leases it holds.</summary>
    private readonly string _holder = Guid.NewGuid().ToString("N");

    /// <summary>Examples numbered between two renewals of the lease.</summary>
    private const int NumberingBatch = 500;

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
        var result = await BuildSnapshotAsync(policy.Evaluate, cancellationToken, automatic: true);
        if (result.Outcome != SnapshotOutcome.NotDue
            || options.Value.Triggers.Products.GetValueOrDefault(correction.ProductId) is not { } own
            || (own.RetrainThreshold is null && own.PreferencePairThreshold is null))
        {
            return result;
        }

        // A product with thresholds of its own asks when its own new corrections or preference pairs reach them.
        var product = correction.ProductId;
        var mine = await datasets.CountPendingAsync(product, cancellationToken);
        var (reason, count, threshold) = mine.Corrections >= (own.RetrainThreshold ?? long.MaxValue)
            ? (TriggerReasons.CorrectionThreshold, mine.Corrections, own.RetrainThreshold!.Value)
            : mine.PreferencePairs >= (own.PreferencePairThreshold ?? long.MaxValue)
                ? (TriggerReasons.PreferencePairThreshold, mine.PreferencePairs, own.PreferencePairThreshold!.Value)
                : (null, 0L, 0);
        return reason is null
            ? result
            : await BuildSnapshotAsync(
                pending => pending.Corrections > 0
                    ? new RetrainTrigger(
                        reason,
                        new Dictionary<string, double>
                        {
                            ["newCorrections"] = pending.Corrections,
                            ["newPreferencePairs"] = pending.PreferencePairs,
                            ["productCount"] = count,
                            ["threshold"] = threshold,
                        },
                        product)
                    : null,
                cancellationToken,
                automatic: true);
    }

    /// <summary>A person asked for a retrain: snapshot everything, provided something is new.</summary>
    public Task<SnapshotResult> RequestManuallyAsync(CancellationToken cancellationToken) =>
        BuildSnapshotAsync(RetrainPolicy.Manual, cancellationToken);

    /// <summary>
    /// A signal (end users' reactions, a regressed model, recurring mistakes) asks for a retrain on the examples since
    /// the last snapshot. It waits like the other automatic triggers, and for its own cooldown per product; the same
    /// evidence never sets off two requests: it is claimed when the build starts, so a resumed build keeps it.
    /// </summary>
    public async Task<SnapshotResult> SignalAsync(SignalTrigger signal, CancellationToken cancellationToken)
    {
        var scopeKey = $"{signal.Reason}\n{signal.ProductId}";
        var firingId = $"{scopeKey}\n{signal.EvidenceKey}";
        var now = clock.GetUtcNow().UtcDateTime;
        if (await signals.HasFiredAsync(firingId, cancellationToken)
            || (await signals.LastFiringAsync(scopeKey, cancellationToken) is { } last && last.At + options.Value.Triggers.Cooldown > now))
        {
            return new SnapshotResult(SnapshotOutcome.NotDue, await datasets.CountPendingAsync(cancellationToken));
        }

        return await BuildSnapshotAsync(
            pending => pending.Corrections > 0
                ? new RetrainTrigger(signal.Reason, new Dictionary<string, double>(signal.Evidence) { ["newCorrections"] = pending.Corrections }, signal.ProductId)
                : null,
            cancellationToken,
            automatic: true,
            onStart: build => signals.RecordFiringAsync(new TriggerFiring { Id = firingId, ScopeKey = scopeKey, DatasetId = build.Id, At = build.RenewedAt }, cancellationToken));
    }

    /// <summary>Finishes a build whose replica died (its lease lapsed); does nothing otherwise.</summary>
    public Task<SnapshotResult> ResumeAsync(CancellationToken cancellationToken) =>
        BuildSnapshotAsync(_ => null, cancellationToken);

    public void Dispose() => _building.Dispose();

    /// <summary>
    /// Builds the next version when <paramref name="decide"/> says so, or finishes one a dead replica left: takes the
    /// version's lease, numbers the examples no snapshot holds yet (renewing the lease before each batch), streams
    /// every example up to the last number through the file hashes, and commits the snapshot with its retrain request.
    /// </summary>
    private async Task<SnapshotResult> BuildSnapshotAsync(
        Func<PendingExamples, RetrainTrigger?> decide, CancellationToken cancellationToken, bool automatic = false, Func<SnapshotBuild, Task<bool>>? onStart = null)
    {
        await _building.WaitAsync(cancellationToken);
        try
        {
            var pending = await datasets.CountPendingAsync(cancellationToken);
            var latest = await datasets.LatestSnapshotAsync(cancellationToken);
            var version = (latest?.DatasetVersion ?? 0) + 1;
            var datasetId = DatasetBuilder.DatasetId(version);
            var now = clock.GetUtcNow().UtcDateTime;

            SnapshotBuild? build;
            if (await datasets.FindBuildAsync(datasetId, cancellationToken) is { } started)
            {
                // Another replica's build stands while its lease does; a lapsed one is taken over and finished.
                if (started.Holder != _holder && started.RenewedAt + options.Value.SnapshotLease > now)
                {
                    return new SnapshotResult(SnapshotOutcome.Superseded, pending);
                }

                build = await datasets.RenewBuildAsync(started, _holder, now, cancellationToken);
                logger.LogInformation("Resuming the build of dataset {DatasetId} left by {Holder}", datasetId, started.Holder);
            }
            else
            {
                if (decide(pending) is not { } trigger || (automatic && await WaitingAsync(latest, now, cancellationToken)))
                {
                    return new SnapshotResult(SnapshotOutcome.NotDue, pending);
                }

                build = new SnapshotBuild
                {
                    Id = datasetId,
                    DatasetVersion = version,
                    FirstOrdinal = (latest?.MaxOrdinal ?? 0) + 1,
                    Holder = _holder,
                    RenewedAt = now,
                    TriggerReason = trigger.Reason,
                    Evidence = trigger.Evidence,
                    ProductId = trigger.ProductId,
                };
                build = await datasets.TryStartBuildAsync(build, cancellationToken) ? build : null;
                if (build is not null && onStart is not null)
                {
                    await onStart(build);
                }
            }

            return build is null
                ? new SnapshotResult(SnapshotOutcome.Superseded, pending)
                : await FinishAsync(build, latest, pending, cancellationToken);
        }
        finally
        {
            _building.Release();
        }
    }

    /// <summary>
    /// Whether an automatic trigger must wait: the ML team has as many open requests as allowed, or the last request
    /// is more recent than the cooldown. The examples stay pending and count towards the next request.
    /// </summary>
    private async Task<bool> WaitingAsync(DatasetSnapshot? latest, DateTime now, CancellationToken cancellationToken)
    {
        if (latest is not null && latest.CreatedAt + options.Value.Cooldown > now)
        {
            logger.LogInformation("A retrain is due but the last request ({RequestId}) is within the cooldown", latest.RequestId);
            return true;
        }

        var open = await datasets.CountOpenAsync(cancellationToken);
        if (open >= options.Value.MaxOpenRequests)
        {
            logger.LogInformation("A retrain is due but {Open} request(s) still wait for the ML team", open);
            return true;
        }

        return false;
    }

    private async Task<SnapshotResult> FinishAsync(SnapshotBuild build, DatasetSnapshot? latest, PendingExamples pending, CancellationToken cancellationToken)
    {
        // Numbering goes on from the highest number given, so a resumed build gives no number twice.
        var next = Math.Max(build.FirstOrdinal, await datasets.MaxOrdinalAsync(cancellationToken) + 1);
        while (await datasets.UnnumberedAsync(NumberingBatch, cancellationToken) is { Count: > 0 } batch)
        {
            if (await datasets.RenewBuildAsync(build, _holder, clock.GetUtcNow().UtcDateTime, cancellationToken) is not { } renewed)
            {
                logger.LogWarning("Lost the lease of dataset {DatasetId} to another replica; it finishes the build", build.Id);
                return new SnapshotResult(SnapshotOutcome.Superseded, pending);
            }

            build = renewed;
            next = await datasets.NumberAsync(batch, next, build.Id, cancellationToken);
        }

        var last = next - 1;
        if (last < 1 || (latest is not null && last <= latest.MaxOrdinal))
        {
            // Nothing new since the last snapshot (a manual request racing an automatic one).
            await datasets.EndBuildAsync(build.Id, cancellationToken);
            return new SnapshotResult(SnapshotOutcome.NotDue, pending);
        }

        using var files = new SnapshotAccumulator();
        await foreach (var example in datasets.ExamplesAsync(1, last, cancellationToken))
        {
            files.Add(example);
        }

        var baseModel = (await models.LatestPromotedAsync(cancellationToken))?.Id ?? options.Value.BaseModelVersion;
        var request = builder.Request(build.DatasetVersion, files, new RetrainTrigger(build.TriggerReason, build.Evidence, build.ProductId), baseModel, clock.GetUtcNow());
        var snapshot = new DatasetSnapshot
        {
            Id = build.Id,
            DatasetVersion = build.DatasetVersion,
            RequestId = request.RequestId,
            CreatedAt = request.RequestedAt.UtcDateTime,
            ContentHash = request.ContentHash,
            Counts = request.Counts,
            Files = files.Files,
            TriggerReason = request.TriggerReason,
            Evidence = request.Evidence,
            MaxOrdinal = last,
            FirstNewOrdinal = build.FirstOrdinal,
            Manifest = files.Manifest(baseModel, build.FirstOrdinal, last),
            Request = request,
            Status = RetrainStatus.Requested,
            Open = true,
            Deadline = request.RequestedAt.UtcDateTime + options.Value.RetrainTimeout,
            History = [new RetrainStep(RetrainStatus.Requested, request.RequestedAt.UtcDateTime, $"{request.TriggerReason}{(request.ProductId is { } product ? $" ({product})" : "")}: {FormatEvidence(request.Evidence)}")],
            Outbox = [Outbox.Message(request, clock)],
            OutboxPending = true,
        };
        if (!await datasets.TryCommitAsync(snapshot, cancellationToken))
        {
            logger.LogInformation("Dataset {DatasetId} was committed by another replica first", snapshot.Id);
            return new SnapshotResult(SnapshotOutcome.Superseded, pending);
        }

        await datasets.EndBuildAsync(build.Id, cancellationToken);
        requests.Requested();
        logger.LogInformation(
            "Dataset {DatasetId} snapshotted: {Examples} examples ({Train} train, {Eval} eval), {Reason}; requesting retrain {RequestId}",
            snapshot.Id,
            snapshot.Counts.Examples,
            snapshot.Counts.Train,
            snapshot.Counts.Eval,
            snapshot.TriggerReason,
            request.RequestId);

        // Left in the snapshot's outbox for the sweeper when the broker is down.
        await outbox.PublishAsync(snapshot, cancellationToken);
        return new SnapshotResult(SnapshotOutcome.Built, pending, snapshot);
    }

    private static string FormatEvidence(IReadOnlyDictionary<string, double> evidence) =>
        string.Join(", ", evidence.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{e.Key} {e.Value}")));

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
        ReviewerReliability = correction.ReviewerReliability,
        ModelVersion = correction.ModelVersion,
        AcceptedAt = correction.AcceptedAt.UtcDateTime,
        ReceivedAt = clock.GetUtcNow().UtcDateTime,
        Split = DatasetSplits.Assign(correction.GoldenExampleId, options.Value.EvalFraction),
        IsPreferencePair = DatasetLines.IsPreferencePair(correction.OriginalText ?? "", correction.CorrectedText),
    };
}
