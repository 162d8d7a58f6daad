using System.Security.Cryptography;
using System.Text;
using HitlLoop.Contracts;
using HitlLoop.TrainingOrchestrator.Storage;

namespace HitlLoop.TrainingOrchestrator.Datasets;

/// <summary>
/// What a snapshot's files hold, for the ML team to check before training: counts, the balance of classes,
/// categories and products, the reviewers behind the examples, their lineage, and each file's SHA-256 and size.
/// </summary>
public sealed record DatasetManifest
{
    public required DatasetCounts Counts { get; init; }

    /// <summary>Examples with a preference pair (the human changed the bot's answer) and those without.</summary>
    public IReadOnlyDictionary<string, long> Classes { get; init; } = new Dictionary<string, long>();

    /// <summary>Examples per category (an example counts under each of its categories; "(none)" when it has none).</summary>
    public IReadOnlyDictionary<string, long> Categories { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> Products { get; init; } = new Dictionary<string, long>();

    /// <summary>Examples per model version that gave the corrected answer ("(unknown)" when not sent).</summary>
    public IReadOnlyDictionary<string, long> ModelVersions { get; init; } = new Dictionary<string, long>();

    /// <summary>Different reviewers whose corrections the snapshot holds.</summary>
    public long Reviewers { get; init; }

    /// <summary>The mean of the reviewers' agreement with peers when each correction was accepted.</summary>
    public double? MeanReviewerAgreement { get; init; }

    public DateTime? FirstAcceptedAt { get; init; }
    public DateTime? LastAcceptedAt { get; init; }

    /// <summary>The examples the snapshot took in first, by ordinal: [<see cref="FirstNewOrdinal"/>, <see cref="MaxOrdinal"/>].</summary>
    public long FirstNewOrdinal { get; init; }

    public long MaxOrdinal { get; init; }
    public string? BaseModelVersion { get; init; }
    public IReadOnlyList<DatasetFile> Files { get; init; } = [];
}

/// <summary>
/// Takes a snapshot's examples one at a time, in file order, and keeps only running figures: each file's hash,
/// size and lines, the counts and the manifest's tallies. Memory stays flat in the number of examples (the tallies
/// grow with the number of categories, products, model versions and reviewers, never with examples).
/// </summary>
public sealed class SnapshotAccumulator : IDisposable
{
    /// <summary>The most entries a manifest tally keeps; the rest are added up under "(other)".</summary>
    public const int MaxTallyEntries = 200;

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly FileTally[] _files =
    [
        new(DatasetBuilder.SftFormat, null), new(DatasetBuilder.SftFormat, DatasetSplit.Train), new(DatasetBuilder.SftFormat, DatasetSplit.Eval),
        new(DatasetBuilder.PreferenceFormat, null), new(DatasetBuilder.PreferenceFormat, DatasetSplit.Train), new(DatasetBuilder.PreferenceFormat, DatasetSplit.Eval),
    ];

    private readonly Dictionary<string, long> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _products = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _models = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reviewers = new(StringComparer.Ordinal);
    private int _examples;
    private int _train;
    private int _eval;
    private int _pairs;
    private double _reliability;
    private DateTime? _firstAccepted;
    private DateTime? _lastAccepted;

    public void Add(TrainingExample example) => Add(example, DatasetLines.Render(example));

    public void Add(TrainingExample example, DatasetLine line)
    {
        foreach (var file in _files)
        {
            var text = file.Format == DatasetBuilder.PreferenceFormat ? line.Preference : line.Sft;
            if (text is not null && (file.Split is null || file.Split == line.Split))
            {
                file.Append(text);
            }
        }

        _examples++;
        _train += line.Split == DatasetSplit.Train ? 1 : 0;
        _eval += line.Split == DatasetSplit.Eval ? 1 : 0;
        _pairs += line.Preference is null ? 0 : 1;
        _reliability += example.ReviewerReliability;
        foreach (var category in example.Categories.Count == 0 ? ["(none)"] : example.Categories.Distinct(StringComparer.Ordinal))
        {
            Tally(_categories, category);
        }

        Tally(_products, example.ProductId);
        Tally(_models, example.ModelVersion ?? "(unknown)");
        if (_reviewers.Count < 1_000_000)
        {
            _reviewers.Add(example.ReviewerId);
        }

        _firstAccepted = _firstAccepted is { } first && first <= example.AcceptedAt ? first : example.AcceptedAt;
        _lastAccepted = _lastAccepted is { } last && last >= example.AcceptedAt ? last : example.AcceptedAt;
    }

    public int Examples => _examples;

    public DatasetCounts Counts => new() { Examples = _examples, Train = _train, Eval = _eval, PreferencePairs = _pairs };

    /// <summary>The six files (SFT and preference; whole, train, eval), each with its hash, size and lines so far.</summary>
    public IReadOnlyList<DatasetFile> Files => [.. _files.Select(f => f.ToFile())];

    public DatasetManifest Manifest(string? baseModelVersion, long firstNewOrdinal, long maxOrdinal) => new()
    {
        Counts = Counts,
        Classes = new Dictionary<string, long> { ["preference_pair"] = _pairs, ["sft_only"] = _examples - _pairs },
        Categories = Top(_categories),
        Products = Top(_products),
        ModelVersions = Top(_models),
        Reviewers = _reviewers.Count,
        MeanReviewerAgreement = _examples == 0 ? null : _reliability / _examples,
        FirstAcceptedAt = _firstAccepted,
        LastAcceptedAt = _lastAccepted,
        FirstNewOrdinal = firstNewOrdinal,
        MaxOrdinal = maxOrdinal,
        BaseModelVersion = baseModelVersion,
        Files = Files,
    };

    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private static void Tally(Dictionary<string, long> tally, string key)
    {
        if (tally.TryGetValue(key, out var count) || tally.Count < 10 * MaxTallyEntries)
        {
            tally[key] = count + 1;
        }
        else
        {
            tally["(other)"] = tally.GetValueOrDefault("(other)") + 1;
        }
    }

    /// <summary>The largest entries, the rest summed under "(other)", in descending count then name order.</summary>
    private static Dictionary<string, long> Top(Dictionary<string, long> tally)
    {
        var ordered = tally.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
        var top = ordered.Take(MaxTallyEntries).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var rest = ordered.Skip(MaxTallyEntries).Sum(e => e.Value);
        if (rest > 0)
        {
            top["(other)"] = top.GetValueOrDefault("(other)") + rest;
        }

        return top;
    }

    private sealed class FileTally(string format, DatasetSplit? split) : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] _buffer = new byte[4096];
        private long _bytes;
        private int _lines;

        public string Format => format;
        public DatasetSplit? Split => split;

        public void Append(string line)
        {
            var length = Encoding.UTF8.GetMaxByteCount(line.Length);
            if (_buffer.Length < length)
            {
                _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
            }

            var written = Encoding.UTF8.GetBytes(line, _buffer);
            _hash.AppendData(_buffer, 0, written);
            _hash.AppendData(NewLine);
            _bytes += written + 1;
            _lines++;
        }

        public DatasetFile ToFile()
        {
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            _hash.GetCurrentHash(digest);
            return new DatasetFile { Format = format, Split = split, ContentHash = "sha256:" + Convert.ToHexStringLower(digest), Lines = _lines, Bytes = _bytes };
        }

        public void Dispose() => _hash.Dispose();
    }
}
