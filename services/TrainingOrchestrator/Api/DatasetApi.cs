using System.Text;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace HitlLoop.TrainingOrchestrator.Api;

public sealed record DatasetSummary(
    string Id,
    int Version,
    string RequestId,
    DatasetCounts Counts,
    string ContentHash,
    DateTime CreatedAt,
    string TriggerReason,
    IReadOnlyDictionary<string, double> Evidence)
{
    public static DatasetSummary From(DatasetSnapshot s) =>
        new(s.Id, s.DatasetVersion, s.RequestId, s.Counts, s.ContentHash, s.CreatedAt, s.TriggerReason, s.Evidence);
}

public sealed record DatasetFileLink(string Format, string? Split, Uri Url, string ContentHash, int Lines, long Bytes);

public sealed record DatasetDetails(
    string Id,
    int Version,
    string RequestId,
    DatasetCounts Counts,
    string ContentHash,
    DateTime CreatedAt,
    string TriggerReason,
    IReadOnlyDictionary<string, double> Evidence,
    double EvalFraction,
    string? BaseModelVersion,
    bool RequestPublished,
    IReadOnlyList<DatasetFileLink> Files);

internal static class DatasetApi
{
    public const string JsonLinesContentType = "application/jsonl; charset=utf-8";

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static void MapDatasetApi(this IEndpointRouteBuilder endpoints)
    {
        var datasets = endpoints.MapGroup("/api/datasets").WithTags("Datasets").RequireAuthorization(HitlPolicies.Datasets);

        datasets.MapGet("/", async (int? limit, IDatasetStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok((await store.ListSnapshotsAsync(ApiLimits.Clamp(limit), cancellationToken)).Select(DatasetSummary.From).ToList()));

        datasets.MapGet("/{id}", async Task<Results<Ok<DatasetDetails>, ProblemHttpResult>> (
            string id, IDatasetStore store, DatasetBuilder builder, CancellationToken cancellationToken) =>
        {
            if (await store.FindSnapshotAsync(id, cancellationToken) is not { } s)
            {
                return NotFound(id);
            }

            var files = s.Files
                .Select(f => new DatasetFileLink(f.Format, f.Split?.Name(), builder.DownloadUrl(s.Id, f.Format, f.Split), f.ContentHash, f.Lines, f.Bytes))
                .ToList();
            return TypedResults.Ok(new DatasetDetails(
                s.Id, s.DatasetVersion, s.RequestId, s.Counts, s.ContentHash, s.CreatedAt, s.TriggerReason, s.Evidence,
                s.Request.EvalFraction, s.Request.BaseModelVersion, !s.OutboxPending, files));
        });

        // What the files hold: counts, balance, reviewers, lineage and each file's SHA-256 and size.
        datasets.MapGet("/{id}/manifest", async Task<Results<Ok<DatasetManifest>, ProblemHttpResult>> (
            string id, IDatasetStore store, CancellationToken cancellationToken) =>
            await store.FindSnapshotAsync(id, cancellationToken) is { } s
                ? TypedResults.Ok(s.Manifest ?? new DatasetManifest { Counts = s.Counts, MaxOrdinal = s.MaxOrdinal, Files = s.Files, BaseModelVersion = s.Request.BaseModelVersion })
                : NotFound(id));

        datasets.MapGet("/{id}/sft.jsonl", (string id, string? split, IDatasetStore store, CancellationToken cancellationToken) =>
            DownloadAsync(id, split, DatasetBuilder.SftFormat, store, cancellationToken));

        datasets.MapGet("/{id}/preference.jsonl", (string id, string? split, IDatasetStore store, CancellationToken cancellationToken) =>
            DownloadAsync(id, split, DatasetBuilder.PreferenceFormat, store, cancellationToken));
    }

    private static async Task<Results<FileStreamHttpResult, PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> DownloadAsync(
        string id, string? split, string format, IDatasetStore store, CancellationToken cancellationToken)
    {
        DatasetSplit? wanted = null;
        if (!string.IsNullOrEmpty(split))
        {
            if (!DatasetSplits.TryParse(split, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["split"] = [$"split must be \"{DatasetSplits.TrainName}\" or \"{DatasetSplits.EvalName}\", or left out for the whole dataset; \"{split}\" is neither."],
                });
            }

            wanted = parsed;
        }

        if (await store.FindSnapshotAsync(id, cancellationToken) is not { } snapshot)
        {
            return NotFound(id);
        }

        // The stored hash of exactly these bytes doubles as the ETag, so clients can cache and verify in one step.
        var file = snapshot.Files.FirstOrDefault(f => f.Format == format && f.Split == wanted);
        var name = $"{snapshot.Id}-{format}{(wanted is { } s ? "-" + s.Name() : "")}.jsonl";
        var tag = file is null ? null : new EntityTagHeaderValue($"\"{file.ContentHash}\"");
        if (file is { Bytes: > 0 } || file is { Lines: 0 })
        {
            // Its length is known: rendered as it is read, with ranges served (a broken download resumes).
            var lines = (CancellationToken token) => Texts(store.ReadLinesAsync(snapshot, token), format, wanted);
            return TypedResults.Stream(new RenderedFileStream(lines, file.Bytes), JsonLinesContentType, name, entityTag: tag, enableRangeProcessing: true);
        }

        // A snapshot from before files had a recorded size.
        return TypedResults.Stream(
            body => WriteLinesAsync(body, Texts(store.ReadLinesAsync(snapshot, cancellationToken), format, wanted), cancellationToken),
            JsonLinesContentType,
            name,
            entityTag: tag);
    }

    private static async IAsyncEnumerable<string> Texts(IAsyncEnumerable<DatasetLine> lines, string format, DatasetSplit? split)
    {
        await foreach (var line in lines)
        {
            var text = format == DatasetBuilder.PreferenceFormat ? line.Preference : line.Sft;
            if (text is not null && (split is not { } wanted || line.Split == wanted))
            {
                yield return text;
            }
        }
    }

    private static async Task WriteLinesAsync(Stream body, IAsyncEnumerable<string> lines, CancellationToken cancellationToken)
    {
        await using var buffered = new BufferedStream(body, 64 * 1024);
        await foreach (var text in lines)
        {
            await buffered.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
            await buffered.WriteAsync(NewLine, cancellationToken);
        }

        await buffered.FlushAsync(cancellationToken);
    }

    internal static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Dataset not found", detail: $"No dataset snapshot has the id '{id}'.");
}

internal static class ApiLimits
{
    public static int Clamp(int? limit) => Math.Clamp(limit ?? 50, 1, 500);
}
