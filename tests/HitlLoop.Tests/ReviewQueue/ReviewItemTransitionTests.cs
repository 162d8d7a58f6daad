using HitlLoop.Contracts;
using HitlLoop.ReviewQueue.Queue;

namespace HitlLoop.Tests.ReviewQueue;

/// <summary>The item's transitions as pure functions: no store, no clock but the one passed in.</summary>
public sealed class ReviewItemTransitionTests
{
    private static readonly DateTime Noon = new(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private static ReviewItem Item(int requiredReviews = 1, ReviewPriority priority = ReviewPriority.High, int dueInMinutes = 60) =>
        ReviewItem.Enqueue(new ReviewRequested
        {
            Response = new ResponseScored { ResponseId = "r-1", ProductId = "support-bot", Response = "Click forgot password." },
            Triggers = [new ReviewTrigger { Code = "low_confidence", Priority = priority }],
            Priority = priority,
            RequiredReviews = requiredReviews,
            PolicyVersion = "p",
            DueBy = Noon.AddMinutes(dueInMinutes),
        }, Noon);

    private static readonly ReviewSubmission Approve = new() { Verdict = ReviewVerdict.Approved };

    [Test]
    public void An_item_needing_two_reviews_stays_open_for_a_second_reviewer_while_the_first_holds_it()
    {
        var claimed = Item(requiredReviews: 2).Claim("alice", Lease, Noon);
        var second = claimed.Item.Claim("bob", Lease, Noon);
        var third = second.Item.Claim("carol", Lease, Noon);

        Assert.That(claimed.Changed && second.Changed, Is.True);
        Assert.That(claimed.Item.VisibleStatus, Is.EqualTo(ReviewStatus.Pending));
        Assert.That(second.Item.VisibleStatus, Is.EqualTo(ReviewStatus.Claimed));
        Assert.That(third.Refusal, Is.EqualTo(DeskOutcome.HeldByAnother));
        Assert.That(second.Item.Version, Is.EqualTo(2));
    }

    [Test]
    public void The_same_reviewer_never_reviews_an_item_twice()
    {
        var reviewed = Item(requiredReviews: 2).Claim("alice", Lease, Noon).Item.Submit("alice", Approve, Noon.AddMinutes(1), TimeProvider.System).Item;

        var again = reviewed.Claim("alice", Lease, Noon.AddMinutes(2));

        Assert.That(again.Refusal, Is.EqualTo(DeskOutcome.AlreadyReviewed));
        Assert.That(reviewed.Excluded, Does.Contain("alice"));
        Assert.That(reviewed.OpenSlots, Is.EqualTo(1));
    }

    [Test]
    public void The_last_required_review_completes_the_item_and_each_review_queues_its_own_event()
    {
        var item = Item(requiredReviews: 2).Claim("alice", Lease, Noon).Item.Claim("bob", Lease, Noon).Item;

        var first = item.Submit("alice", Approve, Noon.AddMinutes(1), TimeProvider.System).Item;
        var done = first.Submit("bob", new ReviewSubmission { Verdict = ReviewVerdict.Edited, CorrectedText = "Open Settings, then Security." }, Noon.AddMinutes(2), TimeProvider.System).Item;

        Assert.That(first.IsCompleted, Is.False);
        Assert.That(done.IsCompleted, Is.True);
        Assert.That(done.ClaimRank, Is.EqualTo(ReviewItem.Closed));
        Assert.That(done.Reviews.Select(r => (r.ReviewerId, r.ReviewNumber)), Is.EqualTo(new[] { ("alice", 1), ("bob", 2) }));
        Assert.That(done.Outbox, Has.Count.EqualTo(2), "the first review's event is kept until it is published");
        Assert.That(done.Outbox.Select(m => m.Body), Has.Some.Contains("\"reviewNumber\":2").And.Some.Contains("\"requiredReviews\":2"));
        Assert.That(done.Outbox.Select(m => m.Body), Has.All.Contains("\"policyVersion\":\"p\""), "each review names the policy that sent the item");
    }

    [Test]
    public void Only_the_holder_can_extend_release_or_submit()
    {
        var held = Item().Claim("alice", Lease, Noon).Item;

        Assert.That(held.Extend("bob", Lease, Noon).Refusal, Is.EqualTo(DeskOutcome.NotHeld));
        Assert.That(held.Release("bob", Noon).Refusal, Is.EqualTo(DeskOutcome.NotHeld));
        Assert.That(held.Submit("bob", Approve, Noon, TimeProvider.System).Refusal, Is.EqualTo(DeskOutcome.NotHeld));
        Assert.That(held.Extend("alice", Lease, Noon.AddMinutes(9)).Item.ClaimOf("alice")!.LeaseExpiresAt, Is.EqualTo(Noon.AddMinutes(19)));
    }

    [Test]
    public void An_expired_lease_returns_the_item_to_the_queue_and_the_late_holder_cannot_submit()
    {
        var held = Item().Claim("alice", Lease, Noon).Item;
        var later = Noon + Lease + TimeSpan.FromSeconds(1);

        var expired = held.ExpireLeases(later).Item;

        Assert.That(held.Submit("alice", Approve, later, TimeProvider.System).Refusal, Is.EqualTo(DeskOutcome.NotHeld));
        Assert.That(expired.OpenSlots, Is.EqualTo(1));
        Assert.That(expired.Holders, Is.Empty);
        Assert.That(expired.NextLeaseExpiry, Is.EqualTo(DateTime.MaxValue));
        Assert.That(held.Claim("bob", Lease, later).Changed, Is.True, "a claim takes over a run-out lease without waiting for the watch");
    }

    [Test]
    public void A_skip_frees_the_claim_and_keeps_the_item_from_that_reviewer()
    {
        var skipped = Item().Claim("alice", Lease, Noon).Item.Skip("alice", "I don't read German", Noon);

        Assert.That(skipped.Item.Skips.Single().Reason, Is.EqualTo("I don't read German"));
        Assert.That(skipped.Item.OpenSlots, Is.EqualTo(1));
        Assert.That(skipped.Item.Claim("alice", Lease, Noon).Refusal, Is.EqualTo(DeskOutcome.Skipped));
        Assert.That(skipped.Item.Claim("bob", Lease, Noon).Changed, Is.True);
    }

    [Test]
    public void A_breach_is_flagged_once_when_the_due_time_passes()
    {
        var item = Item(dueInMinutes: 15);

        Assert.That(item.FlagBreach(Noon.AddMinutes(14)).Changed, Is.False);
        var flagged = item.FlagBreach(Noon.AddMinutes(16)).Item;
        Assert.That(flagged.SlaBreachedAt, Is.EqualTo(Noon.AddMinutes(16)));
        Assert.That(flagged.BreachCheckAt, Is.EqualTo(DateTime.MaxValue));
        Assert.That(flagged.FlagBreach(Noon.AddMinutes(30)).Changed, Is.False);
    }

    [Test]
    public void Rank_orders_by_priority_then_due_time_then_learning_value()
    {
        var urgentLate = ReviewItem.RankOf(ReviewPriority.Urgent, Noon.AddHours(5), 0, "a");
        var highEarly = ReviewItem.RankOf(ReviewPriority.High, Noon, 0, "b");
        var highEarlyValuable = ReviewItem.RankOf(ReviewPriority.High, Noon, 0.9, "c");
        var highLater = ReviewItem.RankOf(ReviewPriority.High, Noon.AddSeconds(1), 1, "d");

        Assert.That(new[] { highLater, highEarly, urgentLate, highEarlyValuable }.Order(), Is.EqualTo(new[] { urgentLate, highEarlyValuable, highEarly, highLater }));
        Assert.That(ReviewItem.RankOf(ReviewPriority.Low, DateTime.MaxValue, double.NaN, "z"), Is.LessThan(ReviewItem.Closed));
    }
}
