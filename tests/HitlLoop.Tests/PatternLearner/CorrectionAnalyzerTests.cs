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
    public void A_clause_of_new_information_is_missing_content()
    {
        var issues = Analyzer.Analyze(
            "Refunds take five business days to arrive.",
            "Refunds take five business days to arrive, and duplicate charges are reversed by your bank within a week.");

        var missing = issues.Single(i => i.PatternType == PatternTypes.MissingContent);
        Assert.That(missing.Words, Is.EqualTo(new[] { "duplicate", "charges", "reversed", "bank", "within", "week" }));
        Assert.That(missing.Detail, Is.EqualTo("added: duplicate, charges, reversed, bank, within, week"));
    }

    [Test]
    public void A_word_or_two_changed_case_punctuation_and_stop_words_are_not_missing_content()
    {
        Assert.That(
            Types("Refunds take a few days.", "REFUNDS take the few days, usually!"),
            Has.No.Member(PatternTypes.MissingContent));
    }

    [Test]
    public void A_sentence_of_information_taken_out_is_removed_content()
    {
        var issues = Analyzer.Analyze(
            "Refunds take five business days. Our premium partners also offer extended warranties on every laptop.",
            "Refunds take five business days.");

        var removed = issues.Single(i => i.PatternType == PatternTypes.RemovedContent);
        Assert.That(removed.Words, Is.EqualTo(new[] { "premium", "partners", "offer", "extended", "warranties", "every", "laptop" }));
    }

    [Test]
    public void Rewording_the_same_facts_more_politely_is_neither_missing_nor_removed_content()
    {
        Assert.That(
            Types("Hey!! Yeah you can totally swap the jacket for a bigger size, no stress lol.", "You can exchange the jacket for a larger size."),
            Has.No.Member(PatternTypes.MissingContent).And.No.Member(PatternTypes.RemovedContent));
    }

    [TestCase("Our return window is 14 days from delivery.", "Our return window is 30 days from delivery.", "14 → 30")]
    [TestCase("Yes, the Team plan includes SAML single sign-on.", "No, the Team plan does not include SAML single sign-on.", "yes → no")]
    [TestCase("You can pick it up at our Westfield Mall store tomorrow.", "You can pick it up at our Oakridge Center store tomorrow.", "westfield mall → oakridge center")]
    public void A_fact_swapped_for_another_is_a_wrong_claim(string original, string corrected, string swap)
    {
        var claim = Analyzer.Analyze(original, corrected).Single(i => i.PatternType == PatternTypes.WrongClaim);

        Assert.That(claim.Detail, Does.Contain(swap));
        Assert.That(claim.Claims, Is.Not.Empty);
    }

    [TestCase("Shipping is free on orders over $50.", "Shipping is free on orders above $50.")]
    [TestCase("Your refund will arive in five days.", "Your refund will arrive in five days.")]
    public void A_synonym_or_a_typo_fixed_is_no_wrong_claim(string original, string corrected)
    {
        Assert.That(Types(original, corrected), Has.No.Member(PatternTypes.WrongClaim));
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
