using BenchmarkDotNet.Attributes;
using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Learning;
using Microsoft.Extensions.Options;

namespace HitlLoop.Benchmarks;

/// <summary>
/// PatternLearner's diff of one accepted correction. The pair is chosen to hit every branch: a tone change
/// (casual to apologetic), a shortening (over_verbose), and content words both added and removed.
/// </summary>
[MemoryDiagnoser]
public class CorrectionAnalyzerBenchmarks
{
    private CorrectionAnalyzer _analyzer = null!;
    private string _original = "";
    private string _corrected = "";

    [GlobalSetup]
    public void Setup()
    {
        _analyzer = new CorrectionAnalyzer(Options.Create(new PatternLearnerOptions()));
        _original = SupportTexts.VerboseCasualOriginal;
        _corrected = SupportTexts.ApologeticCorrected;
    }

    [Benchmark]
    public IReadOnlyList<CorrectionIssue> Analyze() => _analyzer.Analyze(_original, _corrected);
}
