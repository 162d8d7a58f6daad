using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Learning;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.PatternLearner;

public sealed class CorrectionAnalyzerTests
{
    private static readonly CorrectionAnalyzer Analyzer = new(Options.Create(new PatternLearnerOptions()));

    private static IEnumerable<string> Types(string original, string corrected) =>
        Analyzer.Analyze(original, corrected).Select(i => i.PatternType);

    // One long "word" each, so only the length changes between them.
    private static string Chars(int count) => new('a', count);

    [Test]
    public void A_correction_under_0_7_of_the_original_length_is_over_verbose()
    {
        var issues = Analyzer.Analyze(Chars(100), Chars(69));

        Assert.That(issues.Select(i => i.PatternType), Is.EqualTo(new[] { PatternTypes.OverVerbose }));
        Assert.That(issues[0].Detail, Does.Contain("100 → 69 chars"));
        Assert.That((issues[0].OriginalLength, issues[0].CorrectedLength), Is.EqualTo((100, 69)));
    }

    [Test]
    public void A_correction_at_exactly_0_7_of_the_length_is_not_over_verbose()
    {
        Assert.That(Types(Chars(100), Chars(70)), Is.Empty);
    }

    [Test]
    public void A_correction_over_1_5_times_the_original_length_is_under_detailed()
    {
        Assert.That(Types(Chars(100), Chars(151)), Is.EqualTo(new[] { PatternTypes.UnderDetailed }));
    }

    [Test]
    public void A_correction_at_exactly_1_5_times_the_length_is_not_under_detailed()
    {
        Assert.That(Types(Chars(100), Chars(150)), Is.Empty);
    }

    [Test]
    public void Two_or_more_new_content_words_are_missing_content()
    {
        var issues = Analyzer.Analyze(
            "Refunds take a few days to arrive.",
            "Duplicate refunds take a few days to arrive, always in full.");

        var missing = issues.Single(i => i.PatternType == PatternTypes.MissingContent);
        Assert.That(missing.Words, Is.EqualTo(new[] { "duplicate", "always", "full" }));
        Assert.That(missing.Detail, Is.EqualTo("added: duplicate, always, full"));
    }

    [Test]
    public void A_single_new_word_case_punctuation_and_stop_words_are_not_missing_content()
    {
        Assert.That(
            Types("Refunds take a few days.", "REFUNDS take the few days, usually!"),
            Has.No.Member(PatternTypes.MissingContent));
    }

    [Test]
    public void Two_or_more_dropped_content_words_are_removed_content()
    {
        var issues = Analyzer.Analyze(
            "Refunds take five business days, and our premium partners process them faster.",
            "Refunds take five business days, and we process them faster.");

        var removed = issues.Single(i => i.PatternType == PatternTypes.RemovedContent);
        Assert.That(removed.Words, Is.EqualTo(new[] { "premium", "partners" }));
    }

    [Test]
    public void A_change_of_tone_is_a_tone_adjustment_naming_both_tones()
    {
        var issues = Analyzer.Analyze(
            "Refunds are processed in five business days.",
            "Sorry for the wait. Refunds are processed in five business days.");

        var tone = issues.Single(i => i.PatternType == PatternTypes.ToneAdjustment);
        Assert.That(tone.Detail, Is.EqualTo("tone changed from neutral to apologetic"));
        Assert.That((tone.FromTone, tone.ToTone), Is.EqualTo((Tones.Neutral, Tones.Apologetic)));
    }

    [Test]
    public void A_rewording_in_the_same_tone_and_length_finds_nothing()
    {
        Assert.That(Types("Your refund is on its way.", "Your refund is on the way."), Is.Empty);
    }

    [TestCase("Sorry, I apologize for the confusion.", Tones.Apologetic)]
    [TestCase("Dear customer, kindly find the invoice attached. Regards.", Tones.Formal)]
    [TestCase("Hey! Yeah, that's totally fine!!", Tones.Casual)]
    [TestCase("Your refund was issued on Monday.", Tones.Neutral)]
    [TestCase("Your refund was issued on Monday!", Tones.Neutral)]
    public void The_tone_is_read_from_marker_words_and_exclamation_marks(string text, string tone)
    {
        Assert.That(ToneClassifier.Classify(text), Is.EqualTo(tone));
    }

    [Test]
    public void Ratios_come_from_configuration()
    {
        var lenient = new CorrectionAnalyzer(Options.Create(new PatternLearnerOptions { OverVerboseRatio = 0.5 }));

        Assert.That(lenient.Analyze(Chars(100), Chars(60)), Is.Empty);
    }
}
