using BenchmarkDotNet.Attributes;
using HitlLoop.Feedback.Corrections;

namespace HitlLoop.Benchmarks;

/// <summary>The Levenshtein ratio Feedback computes for every edited review: O(n·m) time, one DP row of memory.</summary>
[MemoryDiagnoser]
public class TextSimilarityBenchmarks
{
    private string _shortOriginal = "";
    private string _shortCorrected = "";
    private string _longOriginal = "";
    private string _longCorrected = "";

    [GlobalSetup]
    public void Setup()
    {
        _shortOriginal = SupportTexts.ShortOriginal;
        _shortCorrected = SupportTexts.ShortCorrected;
        _longOriginal = SupportTexts.LongOriginal;
        _longCorrected = SupportTexts.LongCorrected;
    }

    [Benchmark]
    public double Ratio300Chars() => TextSimilarity.Ratio(_shortOriginal, _shortCorrected);

    [Benchmark]
    public double Ratio2000Chars() => TextSimilarity.Ratio(_longOriginal, _longCorrected);
}
