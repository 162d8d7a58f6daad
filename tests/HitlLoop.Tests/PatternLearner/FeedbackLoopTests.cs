using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.PatternLearner;
using HitlLoop.Router;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Storage;
using HitlLoop.Testing;
using HitlLoop.Tests.Support;
using MassTransit.Testing;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>Feedback, PatternLearner and Router together, as in the embedded process: reviews in, rules out, repeats caught.</summary>
public sealed class FeedbackLoopTests
{
    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start() => _harness = await ServiceHarness.StartAsync(
        [new FeedbackService(), new PatternLearnerService(), new RouterService()],
        new Dictionary<string, string?> { ["Router:AuditSampleRate"] = "0" });

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    [Test]
    public async Task Three_reviewers_shortening_billing_answers_teach_the_bot_a_rule()
    {
        foreach (var id in new[] { "rev-1", "rev-2", "rev-3" })
        {
            await _harness.Bus.Bus.Publish(new ReviewCompleted
            {
                ReviewId = id,
                ResponseId = "resp-" + id,
                ProductId = "support-bot",
                ReviewerId = "reviewer-anna",
                Verdict = ReviewVerdict.Edited,
                Query = "Can I get the duplicate charge refunded?",
                Context = new ResponseContext { Category = "billing" },
                OriginalText = CorrectionAcceptedConsumerTests.Verbose,
                CorrectedText = CorrectionAcceptedConsumerTests.Concise,
                ReviewDurationSeconds = 60,
                CompletedAt = DateTimeOffset.UtcNow,
            });
        }

        var learned = await _harness.Bus.Published
            .SelectAsync<PatternLearned>(m => m.Context.Message.PatternId == "support-bot:billing:over_verbose")
            .FirstOrDefault();

        Assert.That(learned, Is.Not.Null, "three accepted corrections of one kind become a rule");
        Assert.That(learned!.Context.Message.Rule.InsteadOf, Is.EqualTo($"long answers (avg {CorrectionAcceptedConsumerTests.Verbose.Length} chars)"));
        Assert.That(await _harness.Bus.Published.SelectAsync<CorrectionAccepted>().Count(), Is.EqualTo(3));
        var signature = learned.Context.Message.Signature;
        Assert.That(signature?.LongerThan, Is.EqualTo((CorrectionAcceptedConsumerTests.Verbose.Length + CorrectionAcceptedConsumerTests.Concise.Length + 1) / 2));

        // The bot answers the same long way again, confidently: the Router knows the mistake and asks a human.
        var patterns = _harness.Get<KnownPatternBoard>();
        await Eventually.Get(
            () => Task.FromResult(patterns.For("support-bot").Select(p => p.Id).ToList()),
            ids => ids.Contains("support-bot:billing:over_verbose"),
            what: "the Router to know the pattern");
        await _harness.Bus.Bus.Publish(Scored("again-long", CorrectionAcceptedConsumerTests.Verbose, "billing"));
        await _harness.Bus.Bus.Publish(Scored("now-short", CorrectionAcceptedConsumerTests.Concise, "billing"));
        await _harness.Bus.Bus.Publish(Scored("long-elsewhere", CorrectionAcceptedConsumerTests.Verbose, "shipping"));

        var decisions = _harness.Get<IDecisionStore>();
        var repeated = await Eventually.Get(() => decisions.FindAsync("again-long", CancellationToken.None), d => d is not null, what: "the repeat's decision");
        var fixedAnswer = await Eventually.Get(() => decisions.FindAsync("now-short", CancellationToken.None), d => d is not null, what: "the short answer's decision");
        var elsewhere = await Eventually.Get(() => decisions.FindAsync("long-elsewhere", CancellationToken.None), d => d is not null, what: "the other category's decision");
        Assert.That(repeated!.Outcome, Is.EqualTo(RoutingOutcome.ReviewRequested));
        Assert.That(repeated.Triggers.Single().Code, Is.EqualTo(TriggerCodes.KnownMistake));
        Assert.That(repeated.Triggers.Single().Detail, Does.Contain("over_verbose pattern support-bot:billing:over_verbose (3 corrections)"));
        Assert.That(fixedAnswer!.Outcome, Is.EqualTo(RoutingOutcome.AutoApproved));
        Assert.That(elsewhere!.Outcome, Is.EqualTo(RoutingOutcome.AutoApproved), "the pattern is billing's");
    }

    private static ResponseScored Scored(string id, string answer, string category) => new()
    {
        ResponseId = id,
        ProductId = "support-bot",
        Query = "Can I get the duplicate charge refunded?",
        Response = answer,
        Confidence = 0.97,
        Context = new ResponseContext { Category = category },
    };
}
