using HitlLoop.Contracts;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.Tests.Support;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HitlLoop.Tests.ReviewQueue;

/// <summary>A submitted review whose process died after the write but before the publish still reaches Feedback.</summary>
public sealed class ReviewOutboxTests
{
    [Test]
    public async Task A_review_completed_but_never_published_is_published_by_the_sweeper()
    {
        await using var harness = await ServiceHarness.StartAsync([new ReviewQueueService()]);
        var completed = new ReviewCompleted
        {
            ReviewId = "crashed:alice",
            ResponseId = "crashed",
            ProductId = "support-bot",
            ReviewerId = "alice",
            Verdict = ReviewVerdict.Edited,
            OriginalText = "old",
            CorrectedText = "A much better answer than before.",
        };
        var request = new ReviewRequested
        {
            Response = new ResponseScored { ResponseId = "crashed", ProductId = "support-bot" },
            Triggers = [],
            Priority = ReviewPriority.High,
            PolicyVersion = "p",
        };

        // What the store holds when the process dies between the write and the publish.
        await harness.Get<IReviewItemStore>().EnqueueOnceAsync(
            new ReviewItem
            {
                Id = "crashed",
                Request = request,
                ProductId = "support-bot",
                Status = ReviewStatus.Completed,
                Outbox = [Outbox.Message(completed, TimeProvider.System)],
                OutboxPending = true,
            },
            CancellationToken.None);
        var sweeper = harness.Services.GetServices<IHostedService>().OfType<OutboxSweeper<ReviewItem>>().Single();

        await sweeper.SweepOnceAsync();

        var published = harness.Bus.Published.SoFar<ReviewCompleted>();
        Assert.That(published.Select(r => r.ReviewId), Is.EqualTo(new[] { "crashed:alice" }));
        Assert.That((await harness.Get<IReviewItemStore>().FindAsync("crashed", CancellationToken.None))!.OutboxPending, Is.False);
    }
}
