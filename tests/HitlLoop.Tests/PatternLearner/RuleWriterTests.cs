using HitlLoop.Contracts;
using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Learning;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.Tests.Support;
using MassTransit.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>Rules worded by a language model when one is configured; the template rule on any failure.</summary>
public sealed class RuleWriterTests
{
    private const string ModelRule =
        """{"when": "a customer asks about a duplicate charge", "insteadOf": "thanking them at length", "do": "say in one sentence that duplicate charges are refunded in full within 5-7 business days", "reason": "reviewers shortened 3 such answers"}""";

    private static readonly PatternRule Template = new() { When = "answering billing questions", InsteadOf = "long answers", Do = "keep it short", Reason = "3 corrections" };

    private static readonly RuleRequest Request = new(
        PatternTypes.OverVerbose, "support-bot", "billing", Template,
        [new RuleExample("Refund my duplicate charge", CorrectionAcceptedConsumerTests.Verbose, CorrectionAcceptedConsumerTests.Concise, "shortened to 39%")], 3);

    private static RuleWriter Writer(IChatClient? chat, TimeSpan? timeout = null) => new(
        Options.Create(new PatternLearnerOptions { RuleWriter = { Model = FakeChatClient.Model, Timeout = timeout ?? TimeSpan.FromSeconds(30) } }),
        NullLogger<RuleWriter>.Instance,
        chat);

    [Test]
    public async Task Without_a_model_the_template_rule_stands()
    {
        var written = await Writer(null).WriteAsync(Request, CancellationToken.None);

        Assert.That(written, Is.EqualTo(new WrittenRule(Template, RuleSources.Template)));
    }

    [Test]
    public async Task A_model_words_the_rule_from_the_examples()
    {
        var chat = FakeChatClient.Answering("Here it is:\n```json\n" + ModelRule + "\n```");

        var written = await Writer(chat).WriteAsync(Request, CancellationToken.None);

        Assert.That(written.Source, Is.EqualTo("llm:fake-model"));
        Assert.That(written.Rule.Do, Is.EqualTo("say in one sentence that duplicate charges are refunded in full within 5-7 business days"));
        var prompt = chat.Asked.Single()[^1].Text;
        Assert.That(prompt, Does.Contain(CorrectionAcceptedConsumerTests.Concise).And.Contain("over_verbose").And.Contain("keep it short"));
    }

    [Test]
    public async Task A_failing_model_leaves_the_template_rule()
    {
        var written = await Writer(FakeChatClient.Failing()).WriteAsync(Request, CancellationToken.None);

        Assert.That(written, Is.EqualTo(new WrittenRule(Template, RuleSources.Template)));
    }

    [Test]
    public async Task A_model_slower_than_the_timeout_leaves_the_template_rule()
    {
        var written = await Writer(FakeChatClient.Hanging(), timeout: TimeSpan.FromSeconds(1)).WriteAsync(Request, CancellationToken.None);

        Assert.That(written, Is.EqualTo(new WrittenRule(Template, RuleSources.Template)));
    }

    [TestCase("I cannot help with that.")]
    [TestCase("""{"when": "always", "insteadOf": "long answers", "do": "", "reason": "x"}""")]
    [TestCase("""{"when": "always", "insteadOf": "long answers", "do": 3, "reason": "x"}""")]
    [TestCase("""{"when": "always", "insteadOf": """)]
    public async Task An_answer_that_is_not_a_rule_leaves_the_template_rule(string answer)
    {
        var written = await Writer(FakeChatClient.Answering(answer)).WriteAsync(Request, CancellationToken.None);

        Assert.That(written, Is.EqualTo(new WrittenRule(Template, RuleSources.Template)));
    }

    [Test]
    public void A_caller_giving_up_is_not_taken_for_a_model_failure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(async () => await Writer(FakeChatClient.Hanging()).WriteAsync(Request, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task A_learned_rule_is_announced_as_the_model_worded_it()
    {
        var chat = FakeChatClient.Answering(ModelRule);
        await using var harness = await ServiceHarness.StartAsync(
            [new PatternLearnerService()], configure: s => s.AddKeyedSingleton<IChatClient>(PatternLearnerService.ServiceName, chat));

        for (var i = 1; i <= 3; i++)
        {
            await harness.Get<CorrectionLearner>().LearnAsync(CorrectionAcceptedConsumerTests.Correction($"ge-{i}"), CancellationToken.None);
        }

        var pattern = await harness.Get<IPatternStore>().FindAsync("support-bot:billing:over_verbose", CancellationToken.None);
        Assert.That(pattern!.RuleSource, Is.EqualTo("llm:fake-model"));
        Assert.That(pattern.Rule!.When, Is.EqualTo("a customer asks about a duplicate charge"));
        Assert.That(chat.Asked.Select(a => a[^1].Text), Has.Some.Contain(CorrectionAcceptedConsumerTests.Verbose[..40]), "the prompt quotes the corrections");

        await harness.Bus.Bus.Publish(CorrectionAcceptedConsumerTests.Correction("ge-3"));
        var announced = await harness.Bus.Published.SelectAsync<PatternLearned>(m => m.Context.Message.PatternId == pattern.Id).First();
        Assert.That(announced.Context.Message, Has.Property("Source").EqualTo("llm:fake-model").And.Property("Rule").EqualTo(pattern.Rule));
    }
}
