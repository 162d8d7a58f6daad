using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.Router;

/// <summary>
/// The stats count every kind of decision, per product and for all, decisions stored by earlier versions (before
/// their stats key, the products' registry, or the counts) included.
/// </summary>
public sealed class DecisionStatsTests
{
    [Test]
    public async Task Each_product_s_decisions_and_all_of_them_are_counted_by_kind_including_ones_stored_by_earlier_versions()
    {
        await using var harness = await ServiceHarness.StartAsync([new RouterService()], new Dictionary<string, string?> { ["Router:AuditSampleRate"] = "0" });
        var router = harness.Get<ResponseRouter>();
        var decisions = harness.Get<IDecisionStore>();
        var store = harness.Get<IDocumentStoreFactory>().ForService(RouterService.ServiceName);
        var steps = store.GetCollection<SetupStep>("setup-steps");
        var counts = store.GetCollection<DocumentCount>("decision-counts");
        await router.RouteAsync(new ResponseScored { ResponseId = "a-low", ProductId = "shop/é", Confidence = 0.3 }, CancellationToken.None);
        await router.RouteAsync(new ResponseScored { ResponseId = "a-high", ProductId = "shop/é", Confidence = 0.99 }, CancellationToken.None);
        await router.RouteAsync(new ResponseScored { ResponseId = "b-low", ProductId = "shop", Confidence = 0.2 }, CancellationToken.None);

        // The store as an earlier version left it: its decisions stored without counts.
        foreach (var count in await counts.FindAsync(c => c.Id != null, int.MaxValue))
        {
            await counts.TryDeleteAsync(count.Id);
        }

        await steps.TryDeleteAsync("decisions-counted");
        Assert.That((await decisions.StatsAsync("shop", CancellationToken.None)).Total, Is.Zero, "nothing counted yet");

        // As a still older version stored it: no stats key. Start-up gives it one.
        var legacy = store.GetCollection<RoutingDecisionDocument>("decisions");
        await legacy.TryInsertAsync(new RoutingDecisionDocument
        {
            Id = "old-1",
            ProductId = "shop",
            Outcome = RoutingOutcome.AutoApproved,
            Audit = true,
            PolicyVersion = "p-old",
            DecidedAt = DateTime.UtcNow,
        });

        // A product whose only decision was stored before products were registered: the store had no set-up step yet.
        await legacy.TryInsertAsync(new RoutingDecisionDocument
        {
            Id = "old-2",
            ProductId = "kiosk",
            Outcome = RoutingOutcome.ReviewRequested,
            PolicyVersion = "p-old",
            DecidedAt = DateTime.UtcNow,
        });
        var today = DateTime.UtcNow.Date;
        await steps.TryDeleteAsync("products-registered");
        await ((IStoreSetup)decisions).SetUpAsync(CancellationToken.None);

        // A set-up that runs again (another replica's, or after a crash before its step was recorded) counts nothing twice.
        await steps.TryDeleteAsync("decisions-counted");
        await ((IStoreSetup)decisions).SetUpAsync(CancellationToken.None);
        await router.RouteAsync(new ResponseScored { ResponseId = "b-high", ProductId = "shop", Confidence = 0.99 }, CancellationToken.None);

        Assert.That(await decisions.StatsAsync("shop/é", CancellationToken.None), Is.EqualTo(new DecisionStats(Total: 2, AutoApproved: 1, ReviewRequested: 1, Audits: 0)));
        Assert.That(await decisions.StatsAsync("shop", CancellationToken.None), Is.EqualTo(new DecisionStats(Total: 3, AutoApproved: 2, ReviewRequested: 1, Audits: 1)), "a product whose id begins another's is its own");
        Assert.That(await decisions.StatsAsync("kiosk", CancellationToken.None), Is.EqualTo(new DecisionStats(Total: 1, AutoApproved: 0, ReviewRequested: 1, Audits: 0)));
        Assert.That(await decisions.StatsAsync(null, CancellationToken.None), Is.EqualTo(new DecisionStats(Total: 6, AutoApproved: 3, ReviewRequested: 3, Audits: 1)));
        Assert.That(await decisions.StatsAsync(null, today, today.AddDays(1), CancellationToken.None), Is.EqualTo(new DecisionStats(Total: 6, AutoApproved: 3, ReviewRequested: 3, Audits: 1)), "every registered product's day");
        Assert.That((await decisions.StatsAsync("shop", today, today.AddDays(1), CancellationToken.None)).Total, Is.EqualTo(3));
        Assert.That((await decisions.StatsAsync(null, today.AddDays(1), today.AddDays(2), CancellationToken.None)).Total, Is.Zero);
    }

    [Test]
    public async Task A_day_s_counts_take_only_that_day_and_a_product_id_with_a_line_break_or_another_case_is_its_own()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero));
        await using var harness = await StartAtAsync(clock);
        var router = harness.Get<ResponseRouter>();
        var decisions = harness.Get<IDecisionStore>();
        string[] products = ["a", "A", "a\nb", "a\n3:x"];
        for (var day = 0; day < 3; day++)
        {
            foreach (var product in products)
            {
                for (var i = 0; i <= day; i++)
                {
                    await router.RouteAsync(new ResponseScored { ResponseId = $"{product}-{day}-{i}", ProductId = product, Confidence = i == 0 ? 0.3 : 0.99 }, CancellationToken.None);
                }
            }

            clock.Advance(TimeSpan.FromDays(1));
        }

        var first = new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);
        foreach (var product in products)
        {
            Assert.That(await decisions.StatsAsync(product, CancellationToken.None), Is.EqualTo(new DecisionStats(6, 3, 3, 0)), product);
            Assert.That(await decisions.StatsAsync(product, first.AddDays(1), first.AddDays(2), CancellationToken.None), Is.EqualTo(new DecisionStats(2, 1, 1, 0)), product);
            Assert.That(await decisions.StatsAsync(product, first.AddDays(1), first.AddDays(3), CancellationToken.None), Is.EqualTo(new DecisionStats(5, 3, 2, 0)), product);
        }

        Assert.That(await decisions.StatsAsync(null, first.AddDays(2), first.AddDays(3), CancellationToken.None), Is.EqualTo(new DecisionStats(12, 8, 4, 0)));
        Assert.That(await decisions.StatsAsync(null, CancellationToken.None), Is.EqualTo(new DecisionStats(24, 12, 12, 0)));
    }

    [Test]
    public async Task Whole_history_stats_read_a_tally_of_the_days_that_are_over_and_count_only_the_days_since()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        await using var harness = await StartAtAsync(clock);
        var router = harness.Get<ResponseRouter>();
        var decisions = harness.Get<IDecisionStore>();
        var tallies = harness.Get<IDocumentStoreFactory>().ForService(RouterService.ServiceName).GetCollection<ProductTally>("product-tallies");
        for (var day = 0; day < 10; day++)
        {
            await router.RouteAsync(new ResponseScored { ResponseId = $"p-{day}-low", ProductId = "p", Confidence = 0.3 }, CancellationToken.None);
            await router.RouteAsync(new ResponseScored { ResponseId = $"p-{day}-high", ProductId = "p", Confidence = 0.99 }, CancellationToken.None);
            await router.RouteAsync(new ResponseScored { ResponseId = $"q-{day}", ProductId = "q", Confidence = 0.99 }, CancellationToken.None);
            clock.Advance(TimeSpan.FromDays(1));
        }

        // 11 November, noon: the ten days before are over.
        Assert.That(await decisions.StatsAsync("p", CancellationToken.None), Is.EqualTo(new DecisionStats(20, 10, 10, 0)));
        Assert.That(await decisions.StatsAsync(null, CancellationToken.None), Is.EqualTo(new DecisionStats(30, 20, 10, 0)));
        var tally = await tallies.FindByIdAsync("p");
        Assert.That((tally!.Until, tally.Stats), Is.EqualTo((new DateTime(2026, 11, 11, 0, 0, 0, DateTimeKind.Utc), new DecisionStats(20, 10, 10, 0))));
        Assert.That(await decisions.StatsAsync("never-seen", CancellationToken.None), Is.EqualTo(new DecisionStats(0, 0, 0, 0)));
        Assert.That(await tallies.FindByIdAsync("never-seen"), Is.Null, "a product with no decision gets no tally");

        // Today's decisions are read from the day's counts; a day goes into the tally an hour after it ends.
        await router.RouteAsync(new ResponseScored { ResponseId = "p-today", ProductId = "p", Confidence = 0.3 }, CancellationToken.None);
        Assert.That(await decisions.StatsAsync("p", CancellationToken.None), Is.EqualTo(new DecisionStats(21, 10, 11, 0)));
        clock.Advance(TimeSpan.FromHours(12.5));
        Assert.That(await decisions.StatsAsync("p", CancellationToken.None), Is.EqualTo(new DecisionStats(21, 10, 11, 0)));
        Assert.That((await tallies.FindByIdAsync("p"))!.Until, Is.EqualTo(new DateTime(2026, 11, 11, 0, 0, 0, DateTimeKind.Utc)), "not yet: 11 November closed less than an hour ago");
        clock.Advance(TimeSpan.FromHours(1));
        Assert.That(await decisions.StatsAsync("p", CancellationToken.None), Is.EqualTo(new DecisionStats(21, 10, 11, 0)));
        tally = await tallies.FindByIdAsync("p");
        Assert.That((tally!.Until, tally.Stats), Is.EqualTo((new DateTime(2026, 11, 12, 0, 0, 0, DateTimeKind.Utc), new DecisionStats(21, 10, 11, 0))));
    }

    /// <summary>The Router alone on the given clock, no audits, the review-rate reporter out of the way.</summary>
    private static Task<ServiceHarness> StartAtAsync(FakeTimeProvider clock) => ServiceHarness.StartAsync(
        [new RouterService()],
        new Dictionary<string, string?> { ["Router:AuditSampleRate"] = "0", ["Router:ReviewRateInterval"] = "1.00:00:00" },
        services => services.AddSingleton<TimeProvider>(clock));
}
