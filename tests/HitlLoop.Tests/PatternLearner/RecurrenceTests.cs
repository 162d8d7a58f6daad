using HitlLoop.Contracts;
using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Consumers;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.Tests.Support;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>A mistake made again after its rule shipped is a repeat, measured per pattern and per product, and published.</summary>
public sealed class RecurrenceTests
{
    private const string OverVerbose = "support-bot:billing:over_verbose";
    private static readonly DateTimeOffset RuleDay = new(2025, 6, 12, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(RuleDay);
    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start()
    {
        _harness = await ServiceHarness.StartAsync([new PatternLearnerService()], configure: s => s.AddSingleton<TimeProvider>(_clock));

        // Three over-long answers the day before: the rule ships now.
        for (var i = 1; i <= 3; i++)
        {
            await LearnAsync(Accepted($"before-{i}", RuleDay.AddDays(-1)));
        }
    }

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private static CorrectionAccepted Accepted(string id, DateTimeOffset at, string original = CorrectionAcceptedConsumerTests.Verbose) =>
        CorrectionAcceptedConsumerTests.Correction(id) with { AcceptedAt = at, OriginalText = original };

    private Task<Pattern?> PatternAsync() => _harness.Get<IPatternStore>().FindAsync(OverVerbose, CancellationToken.None);

    private Task<Lessons> LearnAsync(CorrectionAccepted correction) =>
        _harness.Get<CorrectionLearner>().LearnAsync(correction, CancellationToken.None);

    [Test]
    public async Task The_same_mistake_after_the_rule_shipped_is_a_repeat_with_the_pattern_and_product_rates()
    {
        // A correction of an answer the bot gave before the rule existed is no repeat; one that was fine is no mistake.
        var late = await LearnAsync(Accepted("accepted-before-the-rule", RuleDay.AddHours(-1)));
        var unrelated = await LearnAsync(Accepted("a-fact-only", RuleDay.AddHours(2), original: "Duplicate charges are refunded in full within two business days."));
        var repeat = await LearnAsync(Accepted("again-1", RuleDay.AddHours(3)));

        Assert.That(late.Recurrences, Is.Empty);
        Assert.That(unrelated.Recurrences, Is.Empty);
        var measured = repeat.Recurrences.Single(r => r.PatternId == OverVerbose);
        Assert.That(measured.CorrectionId, Is.EqualTo("again-1"));
        Assert.That(measured.RuleVersion, Is.EqualTo(1));
        Assert.That(measured.Day, Is.EqualTo(new DateOnly(2025, 6, 12)));
        Assert.That(measured.Repeats, Is.EqualTo(1));
        Assert.That(measured.ProductRepeats, Is.EqualTo(1));
        Assert.That(measured.ProductCorrections, Is.EqualTo(6), "three before the rule (in the 7-day window), the late one, the fact fix, the repeat");
        Assert.That(measured.SameMistakeRate, Is.EqualTo(1 / 6.0).Within(1e-9));
        Assert.That(measured.Working, Is.True);
    }

    [Test]
    public async Task A_redelivered_repeat_is_counted_once()
    {
        await LearnAsync(Accepted("again-1", RuleDay.AddHours(3)));
        var redelivered = await LearnAsync(Accepted("again-1", RuleDay.AddHours(3)));

        Assert.That(redelivered.Recurrences.Single(r => r.PatternId == OverVerbose).Repeats, Is.EqualTo(1));
    }

    [Test]
    public async Task A_rule_whose_mistake_recurs_three_times_in_a_week_is_flagged_as_not_working()
    {
        var first = await LearnAsync(Accepted("again-1", RuleDay.AddDays(1)));
        await LearnAsync(Accepted("again-2", RuleDay.AddDays(3)));
        var third = await LearnAsync(Accepted("again-3", RuleDay.AddDays(5)));

        Assert.That(first.Recurrences.Single(r => r.PatternId == OverVerbose).Working, Is.True);
        Assert.That(third.Recurrences.Single(r => r.PatternId == OverVerbose), Has.Property("Repeats").EqualTo(3).And.Property("Working").False);
        Assert.That((await PatternAsync())!.Working, Is.False, "flagged on the pattern");

        // A month on, the week holds one repeat.
        var muchLater = await LearnAsync(Accepted("again-4", RuleDay.AddDays(30)));
        Assert.That(muchLater.Recurrences.Single(r => r.PatternId == OverVerbose), Has.Property("Repeats").EqualTo(1).And.Property("Working").True);
        Assert.That((await PatternAsync())!.Working, Is.True);
    }

    [Test]
    public async Task The_consumer_publishes_each_recurrence()
    {
        await _harness.Bus.Bus.Publish(Accepted("again-1", RuleDay.AddHours(3)));

        Assert.That(
            await _harness.Bus.Published.Any<PatternRecurrenceMeasured>(m => m.Context.Message.PatternId == OverVerbose && m.Context.Message.CorrectionId == "again-1"),
            Is.True);
        Assert.That(await _harness.Bus.GetConsumerHarness<CorrectionAcceptedConsumer>().Consumed.Any<CorrectionAccepted>(), Is.True);
    }
}
