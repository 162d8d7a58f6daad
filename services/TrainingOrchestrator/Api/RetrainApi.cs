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
    IReadOnlyList<ModelSummary> Models);

internal static class RetrainApi
{
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
            return TypedResults.Ok(snapshots
                .Select(s => new RetrainRequestHistory(
                    s.RequestId,
                    s.Id,
                    s.DatasetVersion,
                    s.TriggerReason,
                    s.Evidence,
                    s.Request.BaseModelVersion,
                    s.Request.RequestedAt,
                    !s.OutboxPending,
                    [.. byRequest[s.RequestId].Select(ModelSummary.From)]))
                .ToList());
        }).RequireAuthorization(HitlPolicies.Datasets);

        api.MapGet("/models", async (int? limit, IModelRegistry models, CancellationToken cancellationToken) =>
            TypedResults.Ok((await models.ListAsync(ApiLimits.Clamp(limit), cancellationToken)).Select(ModelSummary.From).ToList()))
            .RequireAuthorization(HitlPolicies.Datasets);
    }
}
