using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Storage;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.Router;

/// <summary>
/// A product's review budget: urgent and high items always go; medium and low ones go while the budget lasts, past its
/// selective share only for a topic not yet reviewed in the window or a high learning value; the rest are
/// auto-approved and counted as budget-skipped.
/// </summary>
public sealed class ReviewBudgetTests
{
    private const string Product = "support-bot";
    private static readonly DateTimeOffset TenPast = new(2026, 12, 1, 12, 10, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(TenPast);
    private ServiceHarness _harness = null!;

    /// <summary>The Router on a fake clock; novelty off unless the test turns it on, so each category is one topic.</summary>
    private async Task Start(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Router:Novelty:Enabled", "false");
        _harness = await ServiceHarness.StartAsync([new RouterService()], settings, services => services.AddSingleton<TimeProvider>(_clock));
    }

    [TearDown]
    public async Task Stop()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    /// <summary>A confident response the committee disagrees on: a medium-priority trigger with little learning value.</summary>
    private static ResponseScored Disputed(string id, string category, string query = "where is my parcel") => new()
    {
        ResponseId = id,
        ProductId = Product,
        Query = query,
        Response = "It is on its way.",
        Confidence = 0.95,
        CommitteeScores = new Dictionary<string, double> { ["a"] = 0.95, ["b"] = 0.4 },
        Context = new ResponseContext { Category = category },
    };

    /// <summary>An unsure response: low confidence is a high-priority trigger.</summary>
    private static ResponseScored Unsure(string id) => new() { ResponseId = id, ProductId = Product, Query = "q", Response = "a", Confidence = 0.3 };

    private Task<RoutingDecisionDocument> Route(ResponseScored response) =>
        _harness.Get<ResponseRouter>().RouteAsync(response, CancellationToken.None);

    private Task<IReadOnlyList<ReviewBudgetWindow>> Windows() =>
        _harness.Get<ReviewBudgets>().CurrentAsync(Product, _harness.Get<HitlLoop.Router.Policy.RoutingPolicy>().ProductFor(Product), _clock.GetUtcNow().UtcDateTime, CancellationToken.None);

    [Test]
    public async Task Past_its_selective_share_the_budget_takes_only_new_topics_then_only_urgent_and_high_items()
    {
        await Start(new() { [$"Router:Products:{Product}:ReviewBudgetPerHour"] = "4" });

        var first = await Route(Disputed("m-1", "billing"));
        var sameTopic = await Route(Disputed("m-2", "billing"));
        var sameTopicPastHalf = await Route(Disputed("m-3", "billing"));
        var newTopic = await Route(Disputed("m-4", "shipping"));
        var high = await Route(Unsure("h-1"));
        var spent = await Route(Disputed("m-5", "returns"));
        var highOverBudget = await Route(Unsure("h-2"));

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first, sameTopic, newTopic, high, highOverBudget }.Select(d => d.Outcome), Is.All.EqualTo(RoutingOutcome.ReviewRequested));
            Assert.That(first.Budget, Is.EqualTo("a topic not yet reviewed in the window"));
            Assert.That(high.Budget, Is.EqualTo("high priority: reviewed whatever the budget"));

            Assert.That(sameTopicPastHalf.Outcome, Is.EqualTo(RoutingOutcome.AutoApproved));
            Assert.That(sameTopicPastHalf.BudgetSkipped, Is.True);
            Assert.That(sameTopicPastHalf.SentToReview(), Is.False);
            Assert.That(sameTopicPastHalf.Triggers.Single().Code, Is.EqualTo("committee_disagreement"), "the decision still says what fired");
            Assert.That(sameTopicPastHalf.Budget, Does.StartWith("2 of the hourly review budget of 4 is spent: past 50% only a topic not yet reviewed"));

            Assert.That(spent.BudgetSkipped, Is.True);
            Assert.That(spent.Budget, Is.EqualTo("the hourly review budget of 4 is spent; medium and low items are auto-approved until 2026-12-01 13:00 UTC"));
        });

        var stats = await _harness.Get<IDecisionStore>().StatsAsync(Product, CancellationToken.None);
        Assert.That(stats, Is.EqualTo(new DecisionStats(Total: 7, AutoApproved: 2, ReviewRequested: 5, Audits: 0, BudgetSkipped: 2)));
        var hour = (await Windows()).Single();
        Assert.That((hour.Period, hour.Limit, hour.Spent, hour.Skipped), Is.EqualTo(("hour", 4, 5, 2)), "urgent and high items count too");

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.That((await Route(Disputed("next-hour", "billing"))).Outcome, Is.EqualTo(RoutingOutcome.ReviewRequested), "each hour has its own budget");
    }

    [Test]
    public async Task A_redelivered_response_spends_nothing_and_gets_the_decision_that_stands()
    {
        await Start(new() { [$"Router:Products:{Product}:ReviewBudgetPerHour"] = "2" });

        var first = await Route(Disputed("m-1", "billing"));
        var again = await Route(Disputed("m-1", "billing"));
        var other = await Route(Disputed("m-2", "shipping"));

        Assert.That((first.Outcome, again.Outcome, other.Outcome), Is.EqualTo((RoutingOutcome.ReviewRequested, RoutingOutcome.ReviewRequested, RoutingOutcome.ReviewRequested)));
        Assert.That((await Windows()).Single().Spent, Is.EqualTo(2));
    }

    [Test]
    public async Task A_high_learning_value_still_goes_past_the_selective_share()
    {
        await Start(new()
        {
            [$"Router:Products:{Product}:ReviewBudgetPerHour"] = "2",
            ["Router:Budget:HighValue"] = "0.01",
        });

        await Route(Disputed("m-1", "billing"));
        var valuable = await Route(Disputed("m-2", "billing"));
        var over = await Route(Disputed("m-3", "billing"));

        Assert.That(valuable.Outcome, Is.EqualTo(RoutingOutcome.ReviewRequested));
        Assert.That(valuable.Budget, Is.EqualTo("learning value 0.02 > 0.01"));
        Assert.That(over.BudgetSkipped, Is.True, "but not past the whole budget");
    }

    [Test]
    public async Task An_item_must_fit_both_the_hourly_and_the_daily_budget_and_a_miss_spends_neither()
    {
        await Start(new()
        {
            [$"Router:Products:{Product}:ReviewBudgetPerHour"] = "10",
            [$"Router:Products:{Product}:ReviewBudgetPerDay"] = "2",
        });

        await Route(Disputed("m-1", "billing"));
        await Route(Disputed("m-2", "shipping"));
        var third = await Route(Disputed("m-3", "returns"));

        Assert.That(third.Budget, Does.StartWith("the daily review budget of 2 is spent"));
        var windows = await Windows();
        Assert.That(windows.Select(w => (w.Period, w.Spent, w.Skipped)), Is.EqualTo(new[] { ("hour", 2, 0), ("day", 2, 1) }));
    }

    [Test]
    public async Task Topics_are_the_novelty_clusters_of_the_queries_so_the_budget_spreads_across_them()
    {
        await Start(new()
        {
            [$"Router:Products:{Product}:ReviewBudgetPerHour"] = "4",
            ["Router:Novelty:Enabled"] = "true",
        });

        var refund = await Route(Disputed("q-1", "general", "how do I get a refund for my order"));
        var refundAgain = await Route(Disputed("q-2", "general", "how can I get a refund for my order"));
        var refundPastHalf = await Route(Disputed("q-3", "general", "how do I get a refund on an order"));
        var hours = await Route(Disputed("q-4", "general", "what are the opening hours of your store in Lyon"));

        Assert.That(
            new[] { refund, refundAgain, refundPastHalf, hours }.Select(d => d.BudgetSkipped),
            Is.EqualTo(new[] { false, false, true, false }),
            string.Join(" | ", new[] { refund, refundAgain, refundPastHalf, hours }.Select(d => d.Budget)) + "; " +
            "one category, but the third refund question is a topic already reviewed this hour and the opening-hours one is not");
    }

    [Test]
    public async Task A_new_topic_reviewed_under_the_budget_is_covered_so_the_next_query_alike_is_not_new()
    {
        await Start(new()
        {
            [$"Router:Products:{Product}:ReviewBudgetPerHour"] = "2",
            ["Router:Novelty:Enabled"] = "true",
        });

        var first = await Route(Disputed("q-1", "general", "how do I get a refund for my order"));
        var alike = await Route(Disputed("q-2", "general", "how can I get a refund for my order"));
        var other = await Route(Disputed("q-3", "general", "what are the opening hours of your store in Lyon"));

        Assert.That(first.Budget, Is.EqualTo("a new topic"));
        Assert.That(alike.BudgetSkipped, Is.True, "its topic opened with the first query and was reviewed this hour: " + alike.Budget);
        Assert.That(other.Budget, Is.EqualTo("a new topic"));
    }
}
