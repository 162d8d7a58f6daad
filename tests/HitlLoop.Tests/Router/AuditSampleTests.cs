using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Consumers;
using HitlLoop.Router.Storage;
using HitlLoop.Tests.Support;
using MassTransit.Testing;

namespace HitlLoop.Tests.Router;

public sealed class AuditSampleTests
{
    [Test]
    public async Task An_audited_response_is_auto_approved_and_still_sent_for_a_low_priority_review()
    {
        // Every confident response is drawn for audit at a rate of 1.
        await using var harness = await ServiceHarness.StartAsync([new RouterService()], new Dictionary<string, string?> { ["Router:AuditSampleRate"] = "1" });

        await harness.Bus.Bus.Publish(new ResponseScored { ResponseId = "audit-1", ProductId = "support-bot", Confidence = 0.99 });

        Assert.That(await harness.Bus.Published.Any<ReviewRequested>(m => m.Context.Message.Response.ResponseId == "audit-1"), Is.True);
        var request = harness.Bus.Published.SoFar<ReviewRequested>().Single();
        var decision = await harness.Get<IDecisionStore>().FindAsync("audit-1", CancellationToken.None);
        var stats = await harness.Get<IDecisionStore>().StatsAsync(null, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(request.Priority, Is.EqualTo(ReviewPriority.Low));
            Assert.That(request.Triggers.Single().Code, Is.EqualTo("random_audit"));
            Assert.That(decision!.Outcome, Is.EqualTo(RoutingOutcome.AutoApproved));
            Assert.That(decision.Audit, Is.True);
            Assert.That(stats, Is.EqualTo(new DecisionStats(Total: 1, AutoApproved: 1, ReviewRequested: 0, Audits: 1)));
            Assert.That(stats.ReviewRate, Is.EqualTo(1.0));
        });
        Assert.That(harness.Bus.GetConsumerHarness<ResponseScoredConsumer>().Consumed.Select<ResponseScored>().Count(), Is.EqualTo(1));
    }
}
