using BenchmarkDotNet.Attributes;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.Benchmarks;

/// <summary>
/// A dataset snapshot of 1,000 examples, in parts and whole: rendering each example's JSONL lines (SFT, plus the
/// preference line for the 80% that are preference pairs), the SHA-256 of the SFT file, and the full build (both
/// formats, six file hashes, counts and the retrain request).
/// </summary>
[MemoryDiagnoser]
public class DatasetSnapshotBenchmarks
{
    private const int ExampleCount = 1_000;

    private DatasetBuilder _builder = null!;
    private RetrainTrigger _trigger = null!;
    private List<TrainingExample> _examples = null!;
    private List<string> _sftLines = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TrainingOrchestratorOptions();
        _builder = new DatasetBuilder(Options.Create(options));
        _examples = TrainingExamples.Create(ExampleCount, options.EvalFraction);
        _sftLines = [.. _examples.Select(e => DatasetLines.Render(e).Sft)];
        _trigger = new RetrainTrigger(TriggerReasons.CorrectionThreshold, new Dictionary<string, double>
        {
            ["newCorrections"] = ExampleCount,
            ["newPreferencePairs"] = _examples.Count(e => e.IsPreferencePair),
            ["threshold"] = options.RetrainThreshold,
        });
        _now = new DateTimeOffset(2025, 6, 12, 9, 0, 0, TimeSpan.Zero);
    }

    [Benchmark]
    public List<DatasetLine> RenderLines() => [.. _examples.Select(DatasetLines.Render)];

    [Benchmark]
    public string HashSftJsonl() => DatasetBuilder.ContentHashOf(_sftLines);

    [Benchmark]
    public DatasetBuild BuildSnapshot() => _builder.Build(_examples, datasetVersion: 7, _trigger, "support-bot-2025.06.1", _now);
}
