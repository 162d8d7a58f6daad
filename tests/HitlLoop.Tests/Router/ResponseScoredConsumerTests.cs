using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Consumers;
using HitlLoop.Router.Storage;
using HitlLoop.Testing;
using HitlLoop.Tests.Support;
using MassTransit;
using MassTransit.Testing;

namespace HitlLoop.Tests.Router;

public sealed class ResponseScoredConsumerTests
{
    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start() =>
        _harness = await ServiceHarness.StartAsync([new RouterService()], new Dictionary<string, string?> { ["Router:AuditSampleRate"] = "0" });

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private static ResponseScored Scored(string id, double confidence) => new()
    {
        ResponseId = id,
        ProductId = "support-bot",
        Query = "Can I get a refund?",
        Response = "Refunds take 5 days.",
        Confidence = confidence,
        ScoredAt = DateTimeOffset.UtcNow,
    };

    [Test]
    public async Task A_low_confidence_response_is_sent_to_review_and_the_decision_stored()
    {
        await _harness.Bus.Bus.Publish(Scored("low-1", 0.3));

        Assert.That(await _harness.Bus.Published.Any<ReviewRequested>(m => m.Context.Message.Response.ResponseId == "low-1"), Is.True);
        var decision = await _harness.Get<IDecisionStore>().FindAsync("low-1", CancellationToken.None);
        Assert.That(decision?.Outcome, Is.EqualTo(RoutingOutcome.ReviewRequested));
        Assert.That(decision!.Triggers.Single().Code, Is.EqualTo("low_confidence"));
    }

    [Test]
    public async Task A_confident_response_is_auto_approved_without_a_review_request()
    {
        await _harness.Bus.Bus.Publish(Scored("high-1", 0.97));

        var consumer = _harness.Bus.GetConsumerHarness<ResponseScoredConsumer>();
        Assert.That(await consumer.Consumed.Any<ResponseScored>(m => m.Context.Message.ResponseId == "high-1"), Is.True);
        var decision = await _harness.Get<IDecisionStore>().FindAsync("high-1", CancellationToken.None);
        Assert.That(decision?.Outcome, Is.EqualTo(RoutingOutcome.AutoApproved));
        Assert.That(await _harness.Bus.Published.Any<ReviewRequested>(), Is.False);
    }

    [Test]
    public async Task A_redelivered_response_keeps_its_first_decision()
    {
        await _harness.Bus.Bus.Publish(Scored("dup-1", 0.3));
        await _harness.Bus.Bus.Publish(Scored("dup-1", 0.99));

        var consumer = _harness.Bus.GetConsumerHarness<ResponseScoredConsumer>();
        var consumed = consumer.Consumed.SelectAsync<ResponseScored>(m => m.Context.Message.ResponseId == "dup-1");
        Assert.That(await AsyncElementListExtensions.Take(consumed, 2).Count(), Is.EqualTo(2));
        var stats = await _harness.Get<IDecisionStore>().StatsAsync("support-bot", CancellationToken.None);
        Assert.That(stats.Total, Is.EqualTo(1));
        Assert.That(stats.ReviewRequested, Is.EqualTo(1));
    }

    [Test]
    public async Task A_duplicate_response_sends_no_second_review_request()
    {
        await _harness.Bus.Bus.Publish(Scored("dup-2", 0.3));
        Assert.That(await _harness.Bus.Published.Any<ReviewRequested>(m => m.Context.Message.Response.ResponseId == "dup-2"), Is.True);

        await _harness.Bus.Bus.Publish(Scored("dup-2", 0.3));
        var consumer = _harness.Bus.GetConsumerHarness<ResponseScoredConsumer>();
        var consumed = consumer.Consumed.SelectAsync<ResponseScored>(m => m.Context.Message.ResponseId == "dup-2");
        Assert.That(await AsyncElementListExtensions.Take(consumed, 2).Count(), Is.EqualTo(2));

        var requests = _harness.Bus.Published.Select<ReviewRequested>(m => m.Context.Message.Response.ResponseId == "dup-2").Count();
        Assert.That(requests, Is.EqualTo(1));
    }

    [Test]
    public async Task A_retry_after_a_failed_publish_finds_the_decision_and_publishes_the_request()
    {
        // As a broker that refuses the first publish leaves it: the decision is stored, the request has not left, and
        // the message is not acknowledged; its retry must send the request, though the response is decided already.
        using var refusal = _harness.Bus.Bus.ConnectPublishObserver(new RefuseFirstReviewRequest());

        await _harness.Bus.Bus.Publish(Scored("crashed-1", 0.3));

        var sent = await _harness.Bus.Published.SelectAsync<ReviewRequested>(m => m.Context.Message.Response.ResponseId == "crashed-1" && m.Exception is null).FirstOrDefault();
        Assert.That(sent, Is.Not.Null, "the retry sent the request");
        var attempts = _harness.Bus.Published.Select<ReviewRequested>(m => m.Context.Message.Response.ResponseId == "crashed-1").Select(m => m.Exception?.Message).ToList();
        Assert.That(attempts, Is.EqualTo(new[] { "the broker refused the publish", null }), "the first attempt was refused, its retry's went out");
        Assert.That((await _harness.Get<IDecisionStore>().StatsAsync("support-bot", CancellationToken.None)).Total, Is.EqualTo(1), "decided once");
    }

    private sealed class RefuseFirstReviewRequest : IPublishObserver
    {
        private int _refused;

        public Task PrePublish<T>(PublishContext<T> context)
            where T : class =>
            context.Message is ReviewRequested && Interlocked.Exchange(ref _refused, 1) == 0
                ? throw new InvalidOperationException("the broker refused the publish")
                : Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }

    [Test]
    public async Task The_review_request_carries_the_text_with_personal_data_redacted()
    {
        await _harness.Bus.Bus.Publish(Scored("pii-1", 0.3) with { Query = "I'm jane@example.com, call +44 20 7946 0958" });

        var request = await _harness.Bus.Published.SelectAsync<ReviewRequested>(m => m.Context.Message.Response.ResponseId == "pii-1").FirstOrDefault();
        Assert.That(request?.Context.Message.Response.Query, Is.EqualTo("I'm [EMAIL], call [PHONE]"));
    }

    [Test]
    public async Task An_invalid_response_faults_with_the_reason_and_is_not_retried()
    {
        await _harness.Bus.Bus.Publish(Scored("bad-1", 1.5));

        var fault = await _harness.Bus.Published.SelectAsync<Fault<ResponseScored>>().FirstOrDefault();
        Assert.That(fault, Is.Not.Null);
        Assert.That(fault!.Context.Message.Exceptions[0].Message, Does.Contain("confidence must lie in 0..1"));
        Assert.That(fault.Context.Message.Exceptions[0].ExceptionType, Does.Contain("MessageValidationException"));
        Assert.That(await _harness.Get<IDecisionStore>().FindAsync("bad-1", CancellationToken.None), Is.Null);
    }
}
