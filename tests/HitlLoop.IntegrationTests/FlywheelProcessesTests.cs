using HitlLoop.Flywheel;

namespace HitlLoop.IntegrationTests;

/// <summary>
/// The flywheel simulation's five-process mode (<c>--rabbitmq</c>): the services as their own processes on real
/// RabbitMQ, all on one simulated clock, played against for a simulated day.
/// </summary>
[NonParallelizable]
public sealed class FlywheelProcessesTests
{
    [Test]
    public async Task One_flag_plays_the_simulation_against_the_five_processes_over_RabbitMQ()
    {
        var options = await FlywheelOptions.LoadAsync(Repository.PathOf("benchmarks", "HitlLoop.Flywheel", "flywheel.json"));
        options.Days = 1;
        var broker = await BrokerSetup.Broker.CreateVirtualHostAsync("flywheel-" + Guid.NewGuid().ToString("N")[..10]);

        // A simulated day in two real minutes: on an idle machine the steps take about one (the default speed's
        // 30 seconds leave them most of a simulated day behind), on a loaded one a quarter of them may run late.
        var mode = new LoopMode(broker, Speed: 720, VirtualHostGiven: true);
        var simulation = new Simulation(options, Variant.Full, TestContext.Progress, mode);
        var day = (await simulation.RunAsync()).Single();

        Assert.Multiple(() =>
        {
            Assert.That(day.Responses, Is.EqualTo(options.Bot.ResponsesPerDay));
            Assert.That(day.TrueReviewRate, Is.GreaterThan(0.2), "the first day's strict threshold sends many answers to a human");
            // Five processes cannot stop their clock between steps: on a loaded machine the simulated reviewers may
            // not reach every answer sent to review before the day is over, and the truth counts an answer as
            // reviewed only once it is (once 6 of 240 were not: 0.558 against 0.533).
            // Exact counting is checked on the embedded host, where the clock waits for the services.
            Assert.That(day.ReviewRate, Is.EqualTo(day.TrueReviewRate).Within(0.05), "Router's counts reached Feedback over the broker");
            Assert.That(day.CorrectionRate, Is.EqualTo(day.TrueCorrectionRate).Within(0.05), "the reviewers' verdicts reached Feedback");
            Assert.That(day.GuidanceFits, Is.GreaterThan(0), "corrections reached PatternLearner and came back as guidance");
            Assert.That(simulation.Declines().Count(d => d.FirstCorrection is not null), Is.GreaterThan(0));
        });
    }
}
