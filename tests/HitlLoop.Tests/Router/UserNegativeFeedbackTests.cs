using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.Testing;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.Router;

/// <summary>Seed 002: more than 30% thumbs-down among at least 10 similar responses sends that kind to review.</summary>
public sealed class UserNegativeFeedbackTests
{
    private static readonly DateTime Noon = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static RoutingPolicy Policy(Action<RouterOptions>? configure = null)
    {
        var options = new RouterOptions { AuditSampleRate = 0 };
        configure?.Invoke(options);
        return new RoutingPolicy(Options.Create(options));
    }

    private static ResponseScored Confident(string id, string? category = "billing") => new()
    {
        ResponseId = id,
        ProductId = "support-bot",
        Query = "Why was I charged twice?",
        Response = "Duplicate charges are refunded.",
        Confidence = 0.97,
        Context = new ResponseContext { Category = category },
    };

    /// <summary>A window of <paramref name="negative"/> thumbs-down among <paramref name="total"/> reactions, the negatives first.</summary>
    private static UserReactionWindow Window(int total, int negative)
    {
        var window = UserReactionWindow.Empty("support-bot", "billing");
        for (var i = 0; i < total; i++)
        {
            window = window.With($"f-{i}", negative: i < negative, Noon.AddMinutes(i), Noon.AddMinutes(i))!;
        }

        return window;
    }

    private static RoutingDecision Decide(UserReactionWindow? window, Action<RouterOptions>? configure = null) =>
        Policy(configure).Decide(Confident("r-1"), new RoutingSignals(window));

    [Test]
    public void Four_thumbs_down_in_the_latest_ten_send_the_kind_to_review_at_high_priority_with_the_evidence()
    {
        var decision = Decide(Window(10, 4));

        Assert.That(decision.NeedsReview, Is.True);
        Assert.That(decision.Priority, Is.EqualTo(ReviewPriority.High));
        var trigger = decision.Triggers.Single();
        Assert.That(trigger.Code, Is.EqualTo(TriggerCodes.UserNegativeFeedback));
        Assert.That(trigger.Detail, Is.EqualTo("4 of the latest 10 end-user reactions to support-bot/billing were negative (0.40 > 0.30)"));
    }

    [TestCase(10, 3, TestName = "Exactly 30% is not more than 30%")]
    [TestCase(9, 9, TestName = "Nine reactions are too few, however negative")]
    [TestCase(0, 0, TestName = "No reactions")]
    public void Below_the_rule_the_response_is_auto_approved(int total, int negative) =>
        Assert.That(Decide(Window(total, negative)).NeedsReview, Is.False);

    [Test]
    public void Only_the_latest_ten_count()
    {
        // Ten thumbs-down long ago, then ten thumbs-up: the kind has recovered.
        var window = Window(20, 10);

        Assert.That(Decide(window).NeedsReview, Is.False);
        Assert.That(Decide(window, o => o.UserFeedback.Window = 20).NeedsReview, Is.True, "over the latest 20, half were negative");
    }

    [Test]
    public void A_redelivered_reaction_counts_once()
    {
        var window = Window(10, 3);

        Assert.That(window.With("f-0", negative: true, Noon, Noon), Is.Null);
    }

    [Test]
    public void A_product_can_turn_the_trigger_off() =>
        Assert.That(
            Decide(Window(10, 10), o => o.Products["support-bot"] = new ProductPolicyOptions { DisabledTriggers = [TriggerCodes.UserNegativeFeedback] }).NeedsReview,
            Is.False);

    [Test]
    public void Kinds_with_odd_ids_never_share_a_key()
    {
        Assert.That(ResponseKind.KeyOf("a/b", "c"), Is.Not.EqualTo(ResponseKind.KeyOf("a", "b/c")));
        Assert.That(ResponseKind.KeyOf("Bot", null), Is.Not.EqualTo(ResponseKind.KeyOf("bot", null)));
    }

    [Test]
    public async Task End_user_reactions_on_the_bus_send_later_responses_of_that_kind_to_review()
    {
        await using var harness = await ServiceHarness.StartAsync([new RouterService()], new Dictionary<string, string?> { ["Router:AuditSampleRate"] = "0" });
        var bus = harness.Bus.Bus;
        var decisions = harness.Get<IDecisionStore>();
        for (var i = 0; i < 11; i++)
        {
            await bus.Publish(Confident($"shown-{i}"));
        }

        await Eventually.Get(() => decisions.StatsAsync("support-bot", CancellationToken.None), s => s.Total == 11, what: "eleven decisions");

        // Ten reactions, the last three negative, and one negative redelivered: 3 of 10, not yet the rule. The window
        // keeps the latest, so the positives go first and are seen before the negatives are sent.
        var board = harness.Get<UserReactionBoard>();
        for (var i = 0; i < 7; i++)
        {
            await bus.Publish(new UserFeedbackSubmitted { FeedbackId = $"fb-{i}", ResponseId = $"shown-{i}", ThumbsUp = true });
        }

        await Eventually.Get(() => Task.FromResult(board.For("support-bot", "billing")?.Recent.Count ?? 0), n => n == 7, what: "seven reactions");
        for (var i = 7; i < 10; i++)
        {
            await bus.Publish(new UserFeedbackSubmitted { FeedbackId = $"fb-{i}", ResponseId = $"shown-{i}", ThumbsUp = false });
        }

        await bus.Publish(new UserFeedbackSubmitted { FeedbackId = "fb-9", ResponseId = "shown-9", ThumbsUp = false });
        await Eventually.Get(() => Task.FromResult(board.For("support-bot", "billing")?.Recent.Count ?? 0), n => n == 10, what: "ten reactions");
        var redelivered = await HarnessPolling.EventuallyAsync(
            () => harness.Bus.Consumed.SoFar<UserFeedbackSubmitted>().Where(f => f.FeedbackId == "fb-9").ToList(), seen => seen.Count == 2);
        Assert.That(redelivered, Has.Count.EqualTo(2), "the redelivery was consumed");
        Assert.That(board.For("support-bot", "billing")!.Latest(10), Is.EqualTo((10, 3)));
        await bus.Publish(Confident("after-3-of-10"));
        var before = await Eventually.Get(() => decisions.FindAsync("after-3-of-10", CancellationToken.None), d => d is not null, what: "the decision");
        Assert.That(before!.Outcome, Is.EqualTo(RoutingOutcome.AutoApproved));

        // A two-star rating: now 4 of the latest 10.
        await bus.Publish(new UserFeedbackSubmitted { FeedbackId = "fb-10", ResponseId = "shown-10", Rating = 2 });
        await Eventually.Get(() => Task.FromResult(board.For("support-bot", "billing")?.Recent.Count ?? 0), n => n == 11, what: "the eleventh reaction");
        await bus.Publish(Confident("after-4-of-10"));
        await bus.Publish(Confident("other-kind", category: "shipping"));

        var after = await Eventually.Get(() => decisions.FindAsync("after-4-of-10", CancellationToken.None), d => d is not null, what: "the decision");
        var other = await Eventually.Get(() => decisions.FindAsync("other-kind", CancellationToken.None), d => d is not null, what: "the other kind's decision");
        Assert.That(after!.Outcome, Is.EqualTo(RoutingOutcome.ReviewRequested));
        Assert.That(after.Triggers.Single().Code, Is.EqualTo(TriggerCodes.UserNegativeFeedback));
        Assert.That(after.Priority, Is.EqualTo(ReviewPriority.High));
        Assert.That(other!.Outcome, Is.EqualTo(RoutingOutcome.AutoApproved), "shipping answers drew no complaints");
    }

    [Test]
    public async Task Another_replica_sees_the_reactions_on_its_next_refresh_even_with_a_clock_a_little_behind()
    {
        await using var harness = await ServiceHarness.StartAsync([new RouterService()]);
        var stores = harness.Get<IDocumentStoreFactory>();
        var first = new UserReactionBoard(stores);
        var second = new UserReactionBoard(stores);
        await first.SetUpAsync(CancellationToken.None);
        await second.SetUpAsync(CancellationToken.None);

        await first.RecordAsync("support-bot", "billing", "fb-1", negative: true, Noon, now: Noon, CancellationToken.None);
        await second.RefreshAsync(CancellationToken.None);
        Assert.That(second.For("support-bot", "billing")?.Recent.Count, Is.EqualTo(1));

        // A third replica, its clock 30 s behind, counts a reaction to another kind after the second one's refresh.
        await first.RecordAsync("support-bot", "shipping", "fb-2", negative: true, Noon, now: Noon.AddSeconds(-30), CancellationToken.None);
        await second.RefreshAsync(CancellationToken.None);
        Assert.That(second.For("support-bot", "shipping")?.Recent.Count, Is.EqualTo(1));
    }
}
