using System.Security.Cryptography;
using System.Text;
using HitlLoop.Contracts;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.TrainingOrchestrator.Datasets;

/// <summary>One downloadable file of a snapshot: a format, optionally one split, and the SHA-256 of its bytes.</summary>
public sealed record DatasetFile
{
    public required string Format { get; init; }

    /// <summary>Null for the whole dataset (train lines and eval lines together).</summary>
    public DatasetSplit? Split { get; init; }

    public required string ContentHash { get; init; }
    public int Lines { get; init; }

    /// <summary>The file's size in bytes, so a download can say its length and serve ranges of it.</summary>
    public long Bytes { get; init; }
}

/// <summary>Everything a new snapshot holds, computed from the examples alone.</summary>
public sealed record DatasetBuild
{
    public required string DatasetId { get; init; }
    public required int DatasetVersion { get; init; }

    /// <summary>In file order: by ordinal, and by id among examples not numbered yet.</summary>
    public required IReadOnlyList<DatasetLine> Lines { get; init; }

    public required DatasetManifest Manifest { get; init; }

    public required IReadOnlyList<DatasetFile> Files { get; init; }
    public required DatasetCounts Counts { get; init; }

    /// <summary>"sha256:" + hex of the whole SFT file: every line in file order, each ending in '\n', UTF-8.</summary>
    public required string ContentHash { get; init; }

    public required RetrainRequested Request { get; init; }
}

/// <summary>
/// Turns examples into a dataset snapshot: canonical lines, per-file hashes, counts and the retrain request.
/// Pure: the same examples and inputs give byte-identical files and hashes on any machine.
/// </summary>
public sealed class DatasetBuilder(IOptions<TrainingOrchestratorOptions> options)
{
    public const string SftFormat = "sft-jsonl";
    public const string PreferenceFormat = "preference-jsonl";

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static string DatasetId(int version) => $"ds-{version:D6}";

    public static string RequestId(int version) => $"rr-{version:D6}";

    /// <summary>File name of a format under /api/datasets/{id}/, e.g. "sft.jsonl".</summary>
    public static string FileName(string format) => format == PreferenceFormat ? "preference.jsonl" : "sft.jsonl";

    /// <summary>
    /// A snapshot of <paramref name="examples"/> built in memory, in file order (by ordinal, then id): what the
    /// streaming build of <see cref="RetrainCoordinator"/> writes for the same examples, line for line.
    /// </summary>
    public DatasetBuild Build(IEnumerable<TrainingExample> examples, int datasetVersion, RetrainTrigger trigger, string? baseModelVersion, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(datasetVersion);

        var ordered = examples.OrderBy(e => e.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        if (ordered.Count == 0)
        {
            throw new InvalidOperationException("A dataset snapshot needs at least one example.");
        }

        using var files = new SnapshotAccumulator();
        var lines = new List<DatasetLine>(ordered.Count);
        foreach (var example in ordered)
        {
            var line = DatasetLines.Render(example);
            files.Add(example, line);
            lines.Add(line);
        }

        var request = Request(datasetVersion, files, trigger, baseModelVersion, now);
        return new DatasetBuild
        {
            DatasetId = request.DatasetId,
            DatasetVersion = datasetVersion,
            Lines = lines,
            Files = files.Files,
            Counts = files.Counts,
            ContentHash = request.ContentHash,
            Manifest = files.Manifest(baseModelVersion, ordered[0].Ordinal, ordered[^1].Ordinal),
            Request = request,
        };
    }

    /// <summary>The retrain request for a snapshot whose files <paramref name="files"/> has taken in.</summary>
    public RetrainRequested Request(int datasetVersion, SnapshotAccumulator files, RetrainTrigger trigger, string? baseModelVersion, DateTimeOffset now)
    {
        var datasetId = DatasetId(datasetVersion);
        var all = files.Files;
        return new RetrainRequested
        {
            RequestId = RequestId(datasetVersion),
            DatasetId = datasetId,
            DatasetVersion = datasetVersion,
            ContentHash = all[0].ContentHash,
            Counts = files.Counts,
            Formats = [.. all.Where(f => f.Lines > 0).Select(f => Format(datasetId, f))],
            EvalFraction = options.Value.EvalFraction,
            TriggerReason = trigger.Reason,
            Evidence = trigger.Evidence,
            BaseModelVersion = baseModelVersion,
            ProductId = trigger.ProductId,
            RequestedAt = now,
        };
    }

    /// <summary>The SHA-256 of lines written one per row with '\n' endings, as served for download.</summary>
    public static string ContentHashOf(IEnumerable<string> lines)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in lines)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(line));
            hash.AppendData(NewLine);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public Uri DownloadUrl(string datasetId, string format, DatasetSplit? split)
    {
        var root = options.Value.PublicBaseUrl.AbsoluteUri;
        var query = split is { } s ? $"?split={s.Name()}" : "";
        return new Uri($"{root.TrimEnd('/')}/api/datasets/{datasetId}/{FileName(format)}{query}");
    }

    private DatasetFormat Format(string datasetId, DatasetFile file) => new()
    {
        Format = file.Format,
        Url = DownloadUrl(datasetId, file.Format, file.Split),
        Split = file.Split?.Name(),
    };
}
