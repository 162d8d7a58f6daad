using HitlLoop.Flywheel;

namespace HitlLoop.Tests.Flywheel;

/// <summary>
/// A short run of the flywheel simulation (benchmarks/HitlLoop.Flywheel) against the five services in this process,
/// with its default world: the same seeded days with guidance and without.
/// </summary>
[NonParallelizable]
public sealed class FlywheelDirectionTests
{
    private const int Days = 4;

    [Test]
    public async Task Guidance_stops_the_bots_mistakes_within_days_and_the_services_count_the_reviews_as_they_happened()
    {
        var options = await FlywheelOptions.LoadAsync(Repository.PathOf("benchmarks", "HitlLoop.Flywheel", "flywheel.json"));
        options.Days = Days;

        var guided = await new Simulation(options, Variant.Full, TestContext.Out).RunAsync();
        var unguided = await new Simulation(options, Variant.NoGuidance, TestContext.Out).RunAsync();

        var guidedMistakes = guided.Skip(1).Sum(d => d.WrongAnswers);
        var unguidedMistakes = unguided.Skip(1).Sum(d => d.WrongAnswers);
        Assert.Multiple(() =>
        {
            // Day 1 is alike until the first corrections exist; from then on guidance fits and the mistakes go.
            Assert.That(guided.Skip(1).Select(d => d.GuidanceFits), Is.All.GreaterThan(0), "guidance that fits, from the text of what it returns");
            Assert.That(unguided.Select(d => d.GuidanceFits), Is.All.Zero);
            Assert.That(guidedMistakes, Is.LessThan(unguidedMistakes / 3.0), $"wrong answers on days 2-{Days}: {guidedMistakes} guided, {unguidedMistakes} without guidance");
            Assert.That(guided.Skip(1).Average(d => d.TrueCorrectionRate), Is.LessThan(unguided.Skip(1).Average(d => d.TrueCorrectionRate)));

            // The services' own figures against what the simulation knows happened. The correction rate differs a little:
            // the services count each review of a doubly reviewed answer, the simulation each answer.
            var days = guided.Concat(unguided).ToList();
            foreach (var day in days)
            {
                Assert.That(day.ReviewRate, Is.EqualTo(day.TrueReviewRate).Within(0.02), $"review rate of day {day.Day}");
            }

            Assert.That(days.Average(d => Math.Abs(d.CorrectionRate!.Value - d.TrueCorrectionRate)), Is.LessThan(0.02), "mean gap of the correction rates");
        });
    }
}
