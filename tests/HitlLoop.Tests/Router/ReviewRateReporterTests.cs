using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Stats;
using HitlLoop.Tests.Support;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.Router;

/// <summary>Router hands its review rate to Feedback as events: each product's day, counted from the stored decisions.</summary>
public sealed class ReviewRateReporterTests
{
    private static readonly DateTimeOffset LateEvening = new(2026, 12, 1, 23, 58, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(LateEvening);
    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start() => _harness = await ServiceHarness.StartAsync(
        [new RouterService()],
        new Dictionary<string, string?> { ["Router:Novelty:Enabled"] = "false", ["Router:AuditSampleRate"] = "0", ["Router:ReviewRateInterval"] = "1.00:00:00" },
        services => services.AddSingleton<TimeProvider>(_clock));

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private Task<HitlLoop.Router.Storage.RoutingDecisionDocument> Route(string id, string product, double confidence) =>
        _harness.Get<ResponseRouter>().RouteAsync(
            new ResponseScored { ResponseId = id, ProductId = product, Query = "q", Response = "a", Confidence = confidence }, CancellationToken.None);

    private List<ReviewRateMeasured> Published() => [.. _harness.Bus.Published.Select<ReviewRateMeasured>().Select(m => m.Context.Message)];

    [Test]
    public async Task Each_product_day_with_decisions_is_reported_with_its_exact_counts_and_quiet_ones_are_not()
    {
        var reporter = _harness.Get<ReviewRateReporter>();
        for (var i = 0; i < 10; i++)
        {
            await Route($"s-{i}", "support-bot", confidence: i < 3 ? 0.4 : 0.97);
        }

        await Route("x-1", "sales bot/eu", confidence: 0.97);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await Route("s-next-day", "support-bot", confidence: 0.4);

        Assert.That(await reporter.ReportOnceAsync(CancellationToken.None), Is.EqualTo(3));
        Assert.That(await reporter.ReportOnceAsync(CancellationToken.None), Is.Zero, "nothing decided since");
        await Route("s-0", "support-bot", confidence: 0.4);
        Assert.That(await reporter.ReportOnceAsync(CancellationToken.None), Is.EqualTo(1), "a redelivery marks the day again; its count is unchanged");

        var reported = Published();
        Assert.That(reported.Select(r => (r.ProductId, r.Day, r.Responses, r.ReviewRequested)), Is.EquivalentTo(new[]
        {
            ("support-bot", new DateOnly(2026, 12, 1), 10L, 3L),
            ("sales bot/eu", new DateOnly(2026, 12, 1), 1L, 0L),
            ("support-bot", new DateOnly(2026, 12, 2), 1L, 1L),
            ("support-bot", new DateOnly(2026, 12, 1), 10L, 3L),
        }));
        Assert.That(reported.Where(r => r.ProductId == "support-bot" && r.Day.Day == 1).Select(r => r.ReviewRate), Is.All.EqualTo(0.3).Within(1e-12));
    }
}
