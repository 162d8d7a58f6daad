using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Consumers;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Text;
using HitlLoop.Testing;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.Router;

/// <summary>A response that repeats a mistake PatternLearner announced goes to review with what shows it.</summary>
public sealed class KnownMistakeTests
{
    private static readonly DateTime Noon = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly PatternRule Rule = new() { When = "w", InsteadOf = "i", Do = "d", Reason = "r" };

    private static PatternLearned Learned(string id, PatternSignature? signature, string? category = "billing", int version = 1) => new()
    {
        PatternId = id,
        PatternType = "removed_content",
        ProductId = "support-bot",
        Category = category,
        Rule = Rule,
        Signature = signature,
        ExampleCount = 4,
        Version = version,
    };

    private static ResponseScored Answer(string text, string? category = "billing") => new()
    {
        ResponseId = "r-1",
        ProductId = "support-bot",
        Response = text,
        Confidence = 0.97,
        Context = new ResponseContext { Category = category },
    };

    private static string? Evidence(PatternLearned learned, ResponseScored response) =>
        KnownPattern.From(learned, Noon).Evidence(response, Words.Of(response.Response).ToHashSet(StringComparer.Ordinal));

    private static readonly PatternSignature SurveyWords = new() { Words = ["survey", "newsletter", "voucher"], MinWordHits = 2 };

    [Test]
    public void Words_reviewers_keep_removing_show_the_repeat_and_are_named()
    {
        var evidence = Evidence(Learned("p-words", SurveyWords), Answer("Refunded! Please take our Survey and join the newsletter."));

        Assert.That(evidence, Is.EqualTo("removed_content pattern p-words (4 corrections): words survey, newsletter"));
        Assert.That(Evidence(Learned("p-words", SurveyWords), Answer("Refunded. Please take our survey.")), Is.Null, "one of two words is not enough");
    }

    [TestCase(301, "billing", true)]
    [TestCase(300, "billing", false)]
    [TestCase(301, "shipping", false)]
    [TestCase(301, null, false)]
    public void A_length_signature_holds_in_its_category_only(int length, string? category, bool repeats) =>
        Assert.That(Evidence(Learned("p-long", new PatternSignature { LongerThan = 300 }), Answer(new string('a', length), category)) is not null, Is.EqualTo(repeats));

    [Test]
    public void A_product_wide_pattern_holds_in_every_category() =>
        Assert.That(Evidence(Learned("p-short", new PatternSignature { ShorterThan = 20 }, category: null), Answer("Yes.", "shipping")), Is.EqualTo("removed_content pattern p-short (4 corrections): 4 chars < 20"));

    [Test]
    public void A_retired_rule_matches_nothing() =>
        Assert.That(Evidence(Learned("p-retired", SurveyWords, version: 2) with { Retired = true }, Answer("Fill in our survey for a newsletter voucher")), Is.Null);

    [Test]
    public void A_pattern_without_a_signature_matches_nothing() =>
        Assert.That(Evidence(Learned("p-missing", null), Answer("anything")), Is.Null);

    [Test]
    public void The_policy_sends_a_repeat_to_review_at_high_priority()
    {
        var policy = new RoutingPolicy(Options.Create(new RouterOptions { AuditSampleRate = 0 }));
        var patterns = new[] { KnownPattern.From(Learned("p-words", SurveyWords), Noon) };

        var repeat = policy.Decide(Answer("Take the survey, get a voucher."), new RoutingSignals(null, patterns));
        var clean = policy.Decide(Answer("Refunded in full."), new RoutingSignals(null, patterns));

        Assert.That(repeat.Triggers.Select(t => (t.Code, t.Priority)), Is.EqualTo(new[] { (TriggerCodes.KnownMistake, ReviewPriority.High) }));
        Assert.That(clean.NeedsReview, Is.False);
    }

    [TestCase("signature.minWordHits")]
    [TestCase("signature.words[0]")]
    [TestCase("patternId")]
    public void A_malformed_announcement_names_its_field(string field)
    {
        var learned = field switch
        {
            "signature.minWordHits" => Learned("p", new PatternSignature { Words = ["a"], MinWordHits = 2 }),
            "signature.words[0]" => Learned("p", new PatternSignature { Words = [""], MinWordHits = 1 }),
            _ => Learned("", null),
        };

        Assert.That(PatternLearnedConsumer.Problems(learned), Has.Some.StartsWith(field));
    }

    [Test]
    public async Task A_newer_version_replaces_the_pattern_and_an_older_one_changes_nothing()
    {
        await using var harness = await ServiceHarness.StartAsync([new RouterService()]);
        var board = harness.Get<KnownPatternBoard>();

        await harness.Bus.Bus.Publish(Learned("p-words", SurveyWords, version: 2));
        await Eventually.Get(() => Task.FromResult(board.For("support-bot").Count), n => n == 1, what: "the pattern");
        await harness.Bus.Bus.Publish(Learned("p-words", new PatternSignature { LongerThan = 10 }, version: 1));
        await harness.Bus.Bus.Publish(Learned("p-words", new PatternSignature { ShorterThan = 10 }, version: 3));

        var consumed = await HarnessPolling.EventuallyAsync(() => harness.Bus.Consumed.SoFar<PatternLearned>(), seen => seen.Count == 3);
        Assert.That(consumed, Has.Count.EqualTo(3));
        var latest = await Eventually.Get(() => Task.FromResult(board.For("support-bot").Single()), p => p.PatternVersion == 3, what: "version 3");
        Assert.That(latest.Signature?.ShorterThan, Is.EqualTo(10));
    }

    private static PatternRecurrenceMeasured Recurred(string patternId, bool working, long repeats, DateTimeOffset at) => new()
    {
        PatternId = patternId,
        PatternType = "removed_content",
        ProductId = "support-bot",
        Category = "billing",
        RuleVersion = 1,
        CorrectionId = "ge-9",
        Day = DateOnly.FromDateTime(at.UtcDateTime),
        WindowDays = 7,
        Repeats = repeats,
        ProductRepeats = repeats,
        ProductCorrections = 40,
        SameMistakeRate = repeats / 40.0,
        Working = working,
        MeasuredAt = at,
    };

    [Test]
    public async Task A_repeat_of_a_mistake_whose_rule_is_not_working_goes_to_review_urgently_until_it_works_again()
    {
        await using var harness = await ServiceHarness.StartAsync([new RouterService()]);
        var board = harness.Get<KnownPatternBoard>();
        var policy = new RoutingPolicy(Options.Create(new RouterOptions { AuditSampleRate = 0 }));
        await harness.Bus.Bus.Publish(Learned("p-words", SurveyWords));
        await Eventually.Get(() => Task.FromResult(board.For("support-bot").Count), n => n == 1, what: "the pattern");

        await harness.Bus.Bus.Publish(Recurred("p-words", working: false, repeats: 3, at: Noon));
        var failing = await Eventually.Get(() => Task.FromResult(board.For("support-bot").Single()), p => p.NotWorking, what: "flagged not working");
        var urgent = policy.Decide(Answer("Take the survey, get a voucher."), new RoutingSignals(null, board.For("support-bot")));

        Assert.That(urgent.Triggers.Single().Priority, Is.EqualTo(ReviewPriority.Urgent));
        Assert.That(urgent.Triggers.Single().Detail, Does.EndWith("its rule is not working (3 repeats in 7 days)"));

        // An older measurement arriving late changes nothing; a newer one that says it works lowers the priority again.
        await harness.Bus.Bus.Publish(Recurred("p-words", working: true, repeats: 1, at: Noon.AddHours(-1)));
        await harness.Bus.Bus.Publish(Recurred("p-words", working: true, repeats: 1, at: Noon.AddDays(8)));
        await HarnessPolling.EventuallyAsync(() => harness.Bus.Consumed.SoFar<PatternRecurrenceMeasured>(), seen => seen.Count == 3);
        var working = await Eventually.Get(() => Task.FromResult(board.For("support-bot").Single()), p => !p.NotWorking, what: "working again");
        Assert.That(working.RecurrenceMeasuredAt, Is.EqualTo(Noon.AddDays(8)));
        Assert.That(policy.Decide(Answer("Take the survey, get a voucher."), new RoutingSignals(null, board.For("support-bot"))).Triggers.Single().Priority, Is.EqualTo(ReviewPriority.High));
        Assert.That(failing.RecentRepeats, Is.EqualTo(3));
    }

    [Test]
    public void A_malformed_recurrence_names_its_field() =>
        Assert.That(RecurrenceChecks.Problems(Recurred("", working: true, repeats: -1, at: Noon) with { SameMistakeRate = double.NaN }),
            Has.Some.StartsWith("patternId").And.Some.StartsWith("repeats").And.Some.StartsWith("sameMistakeRate"));
}
