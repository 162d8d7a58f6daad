using HitlLoop.PatternLearner.Learning;

namespace HitlLoop.Tests.PatternLearner;

public sealed class RuleDeriverTests
{
    private static CorrectionIssue Shortened(int from, int to) =>
        new() { PatternType = PatternTypes.OverVerbose, Detail = "", OriginalLength = from, CorrectedLength = to };

    [Test]
    public void An_over_verbose_pattern_says_how_long_answers_were_and_should_be()
    {
        var rule = RuleDeriver.Derive(PatternTypes.OverVerbose, "support-bot", "billing", [Shortened(200, 100), Shortened(300, 150), Shortened(100, 50)], 3);

        Assert.Multiple(() =>
        {
            Assert.That(rule.When, Is.EqualTo("answering billing questions for support-bot"));
            Assert.That(rule.InsteadOf, Is.EqualTo("long answers (avg 200 chars)"));
            Assert.That(rule.Do, Is.EqualTo("keep it to about 100 chars"));
            Assert.That(rule.Reason, Is.EqualTo("reviewers shortened 3 responses by 50% on average"));
        });
    }

    [Test]
    public void An_under_detailed_pattern_asks_for_fuller_answers()
    {
        var expanded = new CorrectionIssue { PatternType = PatternTypes.UnderDetailed, Detail = "", OriginalLength = 40, CorrectedLength = 100 };

        var rule = RuleDeriver.Derive(PatternTypes.UnderDetailed, "support-bot", null, [expanded, expanded, expanded], 3);

        Assert.That(rule.When, Is.EqualTo("answering questions for support-bot"));
        Assert.That(rule.Do, Is.EqualTo("give fuller answers of about 100 chars"));
        Assert.That(rule.Reason, Is.EqualTo("reviewers expanded 3 responses by 150% on average"));
    }

    [Test]
    public void A_missing_content_pattern_names_the_words_reviewers_add_most()
    {
        CorrectionIssue Added(params string[] words) => new() { PatternType = PatternTypes.MissingContent, Detail = "", Words = words };

        var rule = RuleDeriver.Derive(
            PatternTypes.MissingContent,
            "support-bot",
            "billing",
            [Added("refund", "duplicate", "card"), Added("duplicate", "refund"), Added("duplicate", "days")],
            3);

        Assert.That(rule.Do, Is.EqualTo("cover duplicate, refund, card, days where they apply"));
        Assert.That(rule.Reason, Does.StartWith("reviewers added missing content to 3 responses"));
    }

    [Test]
    public void A_tone_pattern_names_the_most_common_shift()
    {
        CorrectionIssue Tone(string from, string to) => new() { PatternType = PatternTypes.ToneAdjustment, Detail = "", FromTone = from, ToTone = to };

        var rule = RuleDeriver.Derive(
            PatternTypes.ToneAdjustment,
            "support-bot",
            null,
            [Tone(Tones.Neutral, Tones.Apologetic), Tone(Tones.Casual, Tones.Formal), Tone(Tones.Neutral, Tones.Apologetic)],
            3);

        Assert.That((rule.InsteadOf, rule.Do), Is.EqualTo(("a neutral tone", "use an apologetic tone")));
        Assert.That(rule.Reason, Does.EndWith("2 of 3 from neutral to apologetic"));
    }

    [Test]
    public void A_rule_from_part_of_the_examples_says_which_part()
    {
        var examples = Enumerable.Range(0, 12).Select(_ => Shortened(200, 100)).ToList();

        var rule = RuleDeriver.Derive(PatternTypes.OverVerbose, "support-bot", null, examples, 12);

        Assert.That(rule.Reason, Is.EqualTo("reviewers shortened 12 responses, the latest 10 by 50% on average"));
    }

    [Test]
    public void The_same_examples_always_give_the_same_rule()
    {
        CorrectionIssue[] examples = [Shortened(180, 90), Shortened(250, 120), Shortened(90, 60)];

        Assert.That(
            RuleDeriver.Derive(PatternTypes.OverVerbose, "support-bot", "billing", examples, 3),
            Is.EqualTo(RuleDeriver.Derive(PatternTypes.OverVerbose, "support-bot", "billing", examples, 3)));
    }

    [Test]
    public void Signatures_recognise_a_repeat_from_the_same_examples_as_the_rule()
    {
        CorrectionIssue Removed(params string[] words) => new() { PatternType = PatternTypes.RemovedContent, Detail = "", Words = words };
        CorrectionIssue Tone(string from) => new() { PatternType = PatternTypes.ToneAdjustment, Detail = "", FromTone = from, ToTone = Tones.Neutral };
        var added = new CorrectionIssue { PatternType = PatternTypes.MissingContent, Detail = "", Words = ["refund"] };
        var expanded = new CorrectionIssue { PatternType = PatternTypes.UnderDetailed, Detail = "", OriginalLength = 40, CorrectedLength = 100 };

        Assert.Multiple(() =>
        {
            // Halfway between what the bot wrote (avg 200) and what reviewers kept (avg 100).
            Assert.That(RuleDeriver.Signature(PatternTypes.OverVerbose, [Shortened(200, 100), Shortened(300, 150), Shortened(100, 50)])?.LongerThan, Is.EqualTo(150));
            Assert.That(RuleDeriver.Signature(PatternTypes.UnderDetailed, [expanded])?.ShorterThan, Is.EqualTo(70));
            var removed = RuleDeriver.Signature(PatternTypes.RemovedContent, [Removed("voucher", "survey"), Removed("survey", "newsletter"), Removed("survey")]);
            Assert.That(removed?.Words, Is.EqualTo(new[] { "survey", "newsletter", "voucher" }));
            Assert.That(removed?.MinWordHits, Is.EqualTo(2));
            var tone = RuleDeriver.Signature(PatternTypes.ToneAdjustment, [Tone(Tones.Casual), Tone(Tones.Casual), Tone(Tones.Formal)]);
            Assert.That(tone?.Words, Does.Contain("gonna").And.Contain("awesome").And.Not.Contain("kindly"));
            Assert.That(tone?.MinWordHits, Is.EqualTo(1));
            Assert.That(RuleDeriver.Signature(PatternTypes.ToneAdjustment, [Tone(Tones.Neutral)]), Is.Null, "neutral has no marker words");
            Assert.That(RuleDeriver.Signature(PatternTypes.MissingContent, [added]), Is.Null, "what is missing cannot be seen in the response");
        });
    }

    [TestCase(0, 2, false)]
    [TestCase(0, 3, true)]
    [TestCase(0, 4, true)]
    [TestCase(3, 5, false)]
    [TestCase(3, 6, true)]
    [TestCase(6, 9, true)]
    public void A_rule_is_learned_at_3_examples_and_relearned_at_every_further_3(int derivedAt, int examples, bool due)
    {
        Assert.That(RuleSchedule.IsDue(derivedAt, examples, minExamples: 3), Is.EqualTo(due));
    }
}
