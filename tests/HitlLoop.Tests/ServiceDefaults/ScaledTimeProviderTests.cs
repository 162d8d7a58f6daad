using HitlLoop.Router;
using HitlLoop.ServiceDefaults;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.ServiceDefaults;

/// <summary>The simulated clock the flywheel's five processes share: the same three settings give every process the same time.</summary>
public sealed class ScaledTimeProviderTests
{
    private static readonly DateTimeOffset Origin = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void It_reads_start_at_the_origin_and_runs_speed_times_as_fast()
    {
        var real = new FakeTimeProvider(Origin - TimeSpan.FromSeconds(2));
        var clock = new ScaledTimeProvider(Start, Origin, speed: 3600, real);
        var before = clock.GetUtcNow();

        real.Advance(TimeSpan.FromSeconds(2));
        var atOrigin = clock.GetUtcNow();
        var stamp = clock.GetTimestamp();
        real.Advance(TimeSpan.FromSeconds(24));

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(Start - TimeSpan.FromHours(2)), "before the origin the clock reads earlier than start");
            Assert.That(atOrigin, Is.EqualTo(Start));
            Assert.That(clock.GetUtcNow(), Is.EqualTo(Start.AddDays(1)), "24 real seconds are a simulated day at 3,600 times");
            Assert.That(clock.GetElapsedTime(stamp).TotalHours, Is.EqualTo(24).Within(0.01), "measured durations are simulated too");
        });
    }

    [Test]
    public async Task Timers_and_delays_fire_after_the_simulated_span()
    {
        var real = new FakeTimeProvider(Origin);
        var clock = new ScaledTimeProvider(Start, Origin, speed: 3600, real);
        var ticks = 0;
        using var timer = clock.CreateTimer(_ => Interlocked.Increment(ref ticks), null, TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        var delay = Task.Delay(TimeSpan.FromMinutes(30), clock);

        real.Advance(TimeSpan.FromMilliseconds(400));
        Assert.That(delay.IsCompleted, Is.False, "24 simulated minutes of 30");
        real.Advance(TimeSpan.FromMilliseconds(100));
        await delay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(ticks, Is.Zero);

        real.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That(ticks, Is.EqualTo(1), "due after a simulated hour");
        real.Advance(TimeSpan.FromSeconds(2));
        Assert.That(ticks, Is.EqualTo(2), "then every two");

        timer.Change(TimeSpan.FromHours(10), Timeout.InfiniteTimeSpan);
        real.Advance(TimeSpan.FromSeconds(9));
        Assert.That(ticks, Is.EqualTo(2));
        real.Advance(TimeSpan.FromSeconds(1));
        Assert.That(ticks, Is.EqualTo(3), "a changed timer follows the simulated time as well");
    }

    [Test]
    public async Task A_service_configured_with_it_reads_the_simulated_time()
    {
        var origin = DateTimeOffset.UtcNow;
        await using var harness = await ServiceHarness.StartAsync([new RouterService()], new Dictionary<string, string?>
        {
            ["Hitl:SimulatedClock:Start"] = Start.ToString("O"),
            ["Hitl:SimulatedClock:Origin"] = origin.ToString("O"),
            ["Hitl:SimulatedClock:Speed"] = "60",
        });

        var clock = harness.Get<TimeProvider>();

        Assert.That(clock, Is.TypeOf<ScaledTimeProvider>());
        var expected = Start + ((DateTimeOffset.UtcNow - origin) * 60);
        Assert.That(clock.GetUtcNow(), Is.EqualTo(expected).Within(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void Without_its_start_the_service_does_not_start()
    {
        var failure = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await ServiceHarness.StartAsync([new RouterService()], new Dictionary<string, string?> { ["Hitl:SimulatedClock:Speed"] = "60" }));

        Assert.That(failure!.Message, Does.Contain("Hitl:SimulatedClock:Start").And.Contain("Hitl:SimulatedClock:Origin"));
    }
}
