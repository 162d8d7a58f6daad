using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.PatternLearner;
using HitlLoop.Tests.Support;
using MassTransit.Testing;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>Feedback and PatternLearner together, as in the embedded process: reviews in, rules out.</summary>
public sealed class FeedbackLoopTests
{
    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start() => _harness = await ServiceHarness.StartAsync([new FeedbackService(), new PatternLearnerService()]);

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
    }
}
