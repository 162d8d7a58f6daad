using BenchmarkDotNet.Attributes;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Corrections;
using Microsoft.Extensions.Options;

namespace HitlLoop.Benchmarks;

/// <summary>The whole acceptance check of a correction: similarity plus the length and reviewer checks.</summary>
[MemoryDiagnoser]
public class CorrectionValidatorBenchmarks
{
    private CorrectionValidator _validator = null!;
    private string _original = "";
    private string _corrected = "";

    [GlobalSetup]
    public void Setup()
    {
        _validator = new CorrectionValidator(Options.Create(new FeedbackOptions()));
        _original = SupportTexts.ShortOriginal;
        _corrected = SupportTexts.ShortCorrected;
    }

    [Benchmark]
    public CorrectionValidation Validate300Chars() => _validator.Validate(_original, _corrected, reviewerAgreement: 0.86);
}
