using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HitlLoop.TrainingOrchestrator.Api;

public sealed record RetrainAccepted(string RequestId, string DatasetId, int DatasetVersion, string ContentHash, DatasetCounts Counts);

public sealed record ModelSummary(
    string ModelVersion,
    string RequestId,
    string? DatasetId,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> BaselineMetrics,
    bool Promoted,
    bool Recommended,
    IReadOnlyList<string> Reasons,
    DateTime CompletedAt)
{
    public static ModelSummary From(ModelVersion m) =>
        new(m.Id, m.RequestId, m.DatasetId, m.Metrics, m.BaselineMetrics, m.Promoted, m.Recommended, m.Evaluation?.Reasons ?? [], m.CompletedAt);
}

public sealed record RetrainRequestHistory(
    string RequestId,
    string DatasetId,
    int DatasetVersion,
    string TriggerReason,
    IReadOnlyDictionary<string, double> Evidence,
    string? BaseModelVersion,
    DateTimeOffset RequestedAt,
    bool Published,
    IReadOnlyList<ModelSummary> Models,
    RetrainStatus Status,
    DateTime? Deadline,
    IReadOnlyList<RetrainStep> History)
{
    public static RetrainRequestHistory From(DatasetSnapshot s, IEnumerable<ModelVersion> models) => new(
        s.RequestId,
        s.Id,
        s.DatasetVersion,
        s.TriggerReason,
        s.Evidence,
        s.Request.BaseModelVersion,
        s.Request.RequestedAt,
        !s.OutboxPending,
        [.. models.Select(ModelSummary.From)],
        s.Status,
        s.Deadline,
        s.History);
}

/// <summary>An optional word from the ML team with a step of a request, e.g. the training job's id.</summary>
public sealed record RetrainNote(string? Note);

internal static class RetrainApi
{
    private const int MaxNoteLength = 2_000;

    /// <summary>Enough to join every recent request with its models; retrains are rare.</summary>
    private const int ModelsToJoin = 1_000;

    public static void MapRetrainApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").WithTags("Retraining");

        api.MapPost("/retrain", async Task<Results<Accepted<RetrainAccepted>, ProblemHttpResult>> (
            RetrainCoordinator coordinator, CancellationToken cancellationToken) =>
        {
            var result = await coordinator.RequestManuallyAsync(cancellationToken);
            return result switch
            {
                { Outcome: SnapshotOutcome.Built, Snapshot: { } s } => TypedResults.Accepted(
                    $"/api/datasets/{s.Id}",
                    new RetrainAccepted(s.RequestId, s.Id, s.DatasetVersion, s.ContentHash, s.Counts)),
                { Outcome: SnapshotOutcome.Superseded } => TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "A snapshot was built concurrently",
                    detail: "Another replica snapshotted the new examples a moment ago; see GET /api/retrain-requests."),
                _ => TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Nothing new to retrain on",
                    detail: "No accepted correction arrived since the last dataset snapshot; a retrain would see the same data."),
            };
        }).RequireAuthorization(HitlPolicies.Lead);

        api.MapGet("/retrain-requests", async (int? limit, IDatasetStore datasets, IModelRegistry models, CancellationToken cancellationToken) =>
        {
            var snapshots = await datasets.ListSnapshotsAsync(ApiLimits.Clamp(limit), cancellationToken);
            var byRequest = (await models.ListAsync(ModelsToJoin, cancellationToken)).ToLookup(m => m.RequestId, StringComparer.Ordinal);
            return TypedResults.Ok(snapshots.Select(s => RetrainRequestHistory.From(s, byRequest[s.RequestId])).ToList());
        }).RequireAuthorization(HitlPolicies.Datasets);

        // The ML team says how far it got: acknowledged (seen, queued), then training. Repeating a step is harmless.
        api.MapPost("/retrain-requests/{requestId}/acknowledge", (string requestId, RetrainNote? body, RetrainRequests requests, IModelRegistry models, CancellationToken cancellationToken) =>
            MoveAsync(requestId, RetrainStatus.Acknowledged, body?.Note, requests, models, cancellationToken)).RequireAuthorization(HitlPolicies.Datasets);

        api.MapPost("/retrain-requests/{requestId}/training", (string requestId, RetrainNote? body, RetrainRequests requests, IModelRegistry models, CancellationToken cancellationToken) =>
            MoveAsync(requestId, RetrainStatus.Training, body?.Note, requests, models, cancellationToken)).RequireAuthorization(HitlPolicies.Datasets);

        api.MapGet("/models", async (int? limit, IModelRegistry models, CancellationToken cancellationToken) =>
            TypedResults.Ok((await models.ListAsync(ApiLimits.Clamp(limit), cancellationToken)).Select(ModelSummary.From).ToList()))
            .RequireAuthorization(HitlPolicies.Datasets);
    }

    private static async Task<Results<Ok<RetrainRequestHistory>, ValidationProblem, ProblemHttpResult>> MoveAsync(
        string requestId, RetrainStatus to, string? note, RetrainRequests requests, IModelRegistry models, CancellationToken cancellationToken)
    {
        if (note is { Length: > MaxNoteLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["note"] = [$"note may hold at most {MaxNoteLength:N0} characters."] });
        }

        var (snapshot, outcome) = await requests.MoveAsync(requestId, to, note, cancellationToken);
        if (snapshot is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Retrain request not found", detail: $"No retrain request has the id '{requestId}'.");
        }

        if (outcome == MoveOutcome.Closed)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The retrain request is closed",
                detail: $"Request '{requestId}' is {snapshot.Status.ToString().ToLowerInvariant()}; a closed request does not reopen.");
        }

        return TypedResults.Ok(RetrainRequestHistory.From(snapshot, (await models.ListAsync(ModelsToJoin, cancellationToken)).Where(m => m.RequestId == requestId)));
    }
}
