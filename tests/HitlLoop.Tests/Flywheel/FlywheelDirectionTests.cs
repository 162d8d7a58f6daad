using HitlLoop.Flywheel;

namespace HitlLoop.Tests.Flywheel;

/// <summary>
/// A short run of the flywheel simulation (benchmarks/HitlLoop.Flywheel) against the five services in this process:
/// the default world for a few days, with guidance and without, and no retraining in either, so the difference is
/// guidance's alone. Calibration takes a step on 10 reviews instead of 30, so a few days show where the loop goes.
/// </summary>
[NonParallelizable]
public sealed class FlywheelDirectionTests
{
    private const int Days = 8;

    private static readonly Variant Guided = new("guided", Guidance: true, Retraining: false);
    private static readonly Variant Unguided = new("unguided", Guidance: false, Retraining: false);

    private IReadOnlyList<DayRow> _guided = [];
    private IReadOnlyList<DayRow> _unguided = [];

    [OneTimeSetUp]
    public async Task RunBothAsync()
    {
        var options = await FlywheelOptions.LoadAsync(Repository.PathOf("benchmarks", "HitlLoop.Flywheel", "flywheel.json"));
        options.Days = Days;
        options.Services["Router:Calibration:MinReviews"] = "10";

        _guided = await new Simulation(options, Guided, TestContext.Progress).RunAsync();
        _unguided = await new Simulation(options, Unguided, TestContext.Progress).RunAsync();
    }

    [Test]
    public void With_guidance_the_services_see_the_review_rate_and_the_same_mistake_rate_fall_and_without_it_they_do_not()
    {
        // The services' own figures. The review rate is compared from the first days; the same-mistake rate from day 2,
        // once the first rules have shipped (before a rule, no mistake can repeat it).
        var guidedReview = (First: Mean(_guided, d => d.ReviewRate, 1, 2), Last: Mean(_guided, d => d.ReviewRate, Days - 1, Days));
        var unguidedReview = (First: Mean(_unguided, d => d.ReviewRate, 1, 2), Last: Mean(_unguided, d => d.ReviewRate, Days - 1, Days));
        var guidedRepeats = (First: Mean(_guided, d => d.SameMistakeRate, 2, 4), Last: Mean(_guided, d => d.SameMistakeRate, Days - 2, Days));
        var unguidedRepeats = (First: Mean(_unguided, d => d.SameMistakeRate, 2, 4), Last: Mean(_unguided, d => d.SameMistakeRate, Days - 2, Days));

        Assert.Multiple(() =>
        {
            Assert.That(guidedReview.Last, Is.LessThan(guidedReview.First - 0.05), $"review rate with guidance: {guidedReview}");
            Assert.That(unguidedReview.Last, Is.GreaterThan(unguidedReview.First - 0.05), $"review rate without guidance: {unguidedReview}");
            Assert.That(guidedRepeats.Last, Is.LessThan(guidedRepeats.First / 2), $"same-mistake rate with guidance: {guidedRepeats}");
            Assert.That(unguidedRepeats.Last, Is.GreaterThan(unguidedRepeats.First / 2), $"same-mistake rate without guidance: {unguidedRepeats}");
            Assert.That(unguidedRepeats.Last, Is.GreaterThan(5 * guidedRepeats.Last), "without guidance the known mistakes go on");
        });
    }

    [Test]
    public void Guidance_fits_from_the_text_it_returns_and_stops_the_bots_mistakes()
    {
        var guidedMistakes = _guided.Skip(1).Sum(d => d.WrongAnswers);
        var unguidedMistakes = _unguided.Skip(1).Sum(d => d.WrongAnswers);
        Assert.Multiple(() =>
        {
            // Day 1 is alike until the first corrections exist; from then on guidance fits and the mistakes go.
            Assert.That(_guided.Skip(1).Select(d => d.GuidanceFits), Is.All.GreaterThan(0), "guidance that fits, from the text of what it returns");
            Assert.That(_unguided.Select(d => d.GuidanceFits), Is.All.Zero);
            Assert.That(guidedMistakes, Is.LessThan(unguidedMistakes / 3.0), $"wrong answers on days 2-{Days}: {guidedMistakes} guided, {unguidedMistakes} without guidance");
        });
    }

    [Test]
    public void The_services_figures_agree_with_what_the_simulation_knows_happened()
    {
        var days = _guided.Concat(_unguided).ToList();
        Assert.Multiple(() =>
        {
            foreach (var day in days)
            {
                Assert.That(day.ReviewRate, Is.EqualTo(day.TrueReviewRate).Within(0.02), $"review rate of day {day.Day}");
            }

            // The services count each review of a doubly reviewed answer, the simulation each answer; and a repeat on
            // the day it was corrected, the simulation on the day the answer was given.
            Assert.That(days.Average(d => Math.Abs(d.CorrectionRate!.Value - d.TrueCorrectionRate)), Is.LessThan(0.02), "mean gap of the correction rates");
            Assert.That(days.Average(d => Math.Abs(d.SameMistakeRate!.Value - d.TrueSameMistakeRate)), Is.LessThan(0.01), "mean gap of the same-mistake rates");
        });
    }

    private static double Mean(IReadOnlyList<DayRow> rows, Func<DayRow, double?> value, int fromDay, int toDay) =>
        rows.Where(r => r.Day >= fromDay && r.Day <= toDay).Select(value).OfType<double>().DefaultIfEmpty(double.NaN).Average();
}
