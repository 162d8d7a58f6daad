using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Consumers;
using HitlLoop.PatternLearner.Learning;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.Tests.Support;
using MassTransit;
using MassTransit.Testing;

namespace HitlLoop.Tests.PatternLearner;

public sealed class CorrectionAcceptedConsumerTests
{
    internal const string Verbose =
        "Thank you so much for reaching out to us about this. Refunds for duplicate charges are always issued in full, " +
        "and the money normally reaches your card within five to seven business days after we process it.";

    internal const string Concise = "Duplicate charges are refunded in full within five to seven business days.";

    private const string OverVerbosePattern = "support-bot:billing:over_verbose";

    private ServiceHarness _harness = null!;
    private int _published;

    [SetUp]
    public async Task Start()
    {
        _harness = await ServiceHarness.StartAsync([new PatternLearnerService()]);
        _published = 0;
    }

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    internal static CorrectionAccepted Correction(string id, string query = "Can I get the duplicate charge refunded?", string category = "Billing", int minutesAgo = 0) => new()
    {
        GoldenExampleId = id,
        ResponseId = "resp-" + id,
        ReviewId = "rev-" + id,
        ProductId = "support-bot",
        Query = query,
        Context = new ResponseContext { Category = category },
        OriginalText = Verbose,
        CorrectedText = Concise,
        ReviewerId = "reviewer-anna",
        ReviewerReliability = 1,
        Similarity = 0.4,
        AcceptedAt = new DateTimeOffset(2025, 6, 12, 12, 0, 0, TimeSpan.Zero).AddMinutes(-minutesAgo),
    };

    /// <summary>Publishes the corrections and waits until all of them (and all before them) were consumed.</summary>
    private async Task ConsumeAsync(params CorrectionAccepted[] corrections)
    {
        foreach (var correction in corrections)
        {
            await _harness.Bus.Bus.Publish(correction);
        }

        _published += corrections.Length;
        var consumed = _harness.Bus.GetConsumerHarness<CorrectionAcceptedConsumer>().Consumed.SelectAsync<CorrectionAccepted>();
        Assert.That(await AsyncElementListExtensions.Take(consumed, _published).Count(), Is.EqualTo(_published), "every correction is consumed");
    }

    private async Task<List<PatternLearned>> LearnedAsync(string patternId) =>
        (await _harness.Bus.Published.SelectAsync<PatternLearned>(m => m.Context.Message.PatternId == patternId).ToListAsync())
            .Select(m => m.Context.Message)
            .ToList();

    private Task<Pattern?> PatternAsync(string patternId) => _harness.Get<IPatternStore>().FindAsync(patternId, CancellationToken.None);

    [Test]
    public async Task A_correction_is_indexed_with_what_the_reviewer_changed()
    {
        await ConsumeAsync(Correction("ge-1"));

        var record = await _harness.Get<ICorrectionStore>().FindAsync("ge-1", CancellationToken.None);
        Assert.That(record, Is.Not.Null);
        Assert.That(record!.Category, Is.EqualTo("billing"));
        Assert.That(record.Issues.Select(i => i.PatternType), Is.EqualTo(new[] { PatternTypes.OverVerbose, PatternTypes.RemovedContent }));
        Assert.That(record.CorrectedText, Is.EqualTo(Concise));
    }

    [Test]
    public async Task Two_corrections_of_a_kind_are_counted_but_are_not_yet_a_rule()
    {
        await ConsumeAsync(Correction("ge-1"), Correction("ge-2"));

        var pattern = await PatternAsync(OverVerbosePattern);
        Assert.That(pattern?.ExampleCount, Is.EqualTo(2));
        Assert.That(pattern!.Rule, Is.Null);
        Assert.That(await _harness.Bus.Published.Any<PatternLearned>(), Is.False);
    }

    [Test]
    public async Task Three_corrections_of_a_kind_publish_a_learned_rule_as_version_1()
    {
        await ConsumeAsync(Correction("ge-1"), Correction("ge-2"), Correction("ge-3"));

        var learned = await LearnedAsync(OverVerbosePattern);
        Assert.That(learned, Has.Count.EqualTo(1), "competing consumers announce the rule once");
        Assert.Multiple(() =>
        {
            Assert.That(learned[0].Version, Is.EqualTo(1));
            Assert.That(learned[0].ExampleCount, Is.EqualTo(3));
            Assert.That(learned[0].PatternType, Is.EqualTo(PatternTypes.OverVerbose));
            Assert.That(learned[0].Category, Is.EqualTo("billing"));
            Assert.That(learned[0].Rule.When, Is.EqualTo("answering billing questions for support-bot"));
            Assert.That(learned[0].Rule.Do, Is.EqualTo($"keep it to about {Concise.Length} chars"));
            Assert.That(learned[0].Rule.Reason, Does.StartWith("reviewers shortened 3 responses by"));
        });
    }

    [Test]
    public async Task Three_more_corrections_relearn_the_rule_as_version_2()
    {
        await ConsumeAsync(Correction("ge-1"), Correction("ge-2"), Correction("ge-3"));
        await ConsumeAsync(Correction("ge-4"), Correction("ge-5"));
        Assert.That((await PatternAsync(OverVerbosePattern))?.RuleVersion, Is.EqualTo(1));

        await ConsumeAsync(Correction("ge-6"));

        var learned = await LearnedAsync(OverVerbosePattern);
        Assert.That(learned.Select(l => (l.Version, l.ExampleCount)), Is.EqualTo(new[] { (1, 3), (2, 6) }));
        Assert.That(learned[1].Rule.Reason, Does.StartWith("reviewers shortened 6 responses"));
    }

    [Test]
    public async Task A_duplicate_correction_is_not_counted_twice()
    {
        await ConsumeAsync(Correction("ge-1"), Correction("ge-1"), Correction("ge-2"));

        Assert.That((await PatternAsync(OverVerbosePattern))?.ExampleCount, Is.EqualTo(2));
        Assert.That(await _harness.Bus.Published.Any<PatternLearned>(), Is.False);
    }

    [Test]
    public async Task A_redelivered_correction_that_completed_a_pattern_announces_the_same_rule_again()
    {
        await ConsumeAsync(Correction("ge-1"), Correction("ge-2"), Correction("ge-3"));
        var tipping = (await PatternAsync(OverVerbosePattern))!.LearnedFromCorrectionId!;

        await ConsumeAsync(Correction(tipping));

        var learned = await LearnedAsync(OverVerbosePattern);
        Assert.That(learned.Select(l => l.Version), Is.EqualTo(new[] { 1, 1 }));
        Assert.That(
            JsonSerializer.Serialize(learned[1], MessageJson.Options),
            Is.EqualTo(JsonSerializer.Serialize(learned[0], MessageJson.Options)),
            "the same announcement, so downstream can drop it as a duplicate");
        Assert.That((await PatternAsync(OverVerbosePattern))?.ExampleCount, Is.EqualTo(3));
    }

    [TestCase("goldenExampleId")]
    [TestCase("productId")]
    [TestCase("correctedText")]
    public async Task An_invalid_correction_faults_with_a_validation_error_naming_the_field(string missing)
    {
        var correction = missing switch
        {
            "goldenExampleId" => Correction("ge-x") with { GoldenExampleId = "" },
            "productId" => Correction("ge-x") with { ProductId = "" },
            _ => Correction("ge-x") with { CorrectedText = " " },
        };

        await _harness.Bus.Bus.Publish(correction);

        var fault = await _harness.Bus.Published.SelectAsync<Fault<CorrectionAccepted>>().FirstOrDefault();
        Assert.That(fault, Is.Not.Null);
        Assert.That(fault!.Context.Message.Exceptions[0].ExceptionType, Does.Contain("MessageValidationException"));
        Assert.That(fault.Context.Message.Exceptions[0].Message, Does.Contain(missing));
    }
}
