using HitlLoop.Contracts;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Evaluation;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.TrainingOrchestrator;

/// <summary>The gate, not the ML team's flag, decides: the metric must improve by the margin and no guard may regress past its limit.</summary>
public sealed class EvaluationGateTests
{
    private static EvaluationGate Gate(double minImprovement = 0.03, bool higherIsBetter = true, Dictionary<string, GuardOptions>? guards = null) =>
        new(Options.Create(new TrainingOrchestratorOptions
        {
            Gate = new EvaluationGateOptions { Metric = "accuracy", HigherIsBetter = higherIsBetter, MinImprovement = minImprovement, Guards = guards ?? [] },
        }), new FakeTimeProvider());

    private static RetrainCompleted Completed(double accuracy, double baseline, bool recommended = true, double? toxicity = null, double? baselineToxicity = null) => new()
    {
        RequestId = "rr-000001",
        NewModelVersion = "bot-v2",
        Metrics = toxicity is { } t ? new Dictionary<string, double> { ["accuracy"] = accuracy, ["toxicity"] = t } : new Dictionary<string, double> { ["accuracy"] = accuracy },
        BaselineMetrics = baselineToxicity is { } bt
            ? new Dictionary<string, double> { ["accuracy"] = baseline, ["toxicity"] = bt }
            : new Dictionary<string, double> { ["accuracy"] = baseline },
        Promoted = recommended,
    };

    [TestCase(0.80, 0.77, ModelDecision.Promoted, TestName = "3.9% better than 0.77 is promoted")]
    [TestCase(0.79, 0.77, ModelDecision.Rejected, TestName = "2.6% better than 0.77 is not enough")]
    [TestCase(0.70, 0.77, ModelDecision.Rejected, TestName = "A worse model is rejected")]
    public void The_gate_metric_must_improve_by_the_margin_relative_to_the_baseline(double accuracy, double baseline, ModelDecision expected)
    {
        var decided = Gate().Decide(Completed(accuracy, baseline), "ds-000001", promotedMetrics: null);

        Assert.That(decided.Decision, Is.EqualTo(expected));
        Assert.That(decided.Improvement, Is.EqualTo((accuracy - baseline) / baseline).Within(1e-12));
        Assert.That((decided.Value, decided.Baseline, decided.BaselineSource, decided.DatasetId), Is.EqualTo(((double?)accuracy, (double?)baseline, "reported", "ds-000001")));
        Assert.That(decided.Reasons[0], Does.StartWith("accuracy"));
    }

    [Test]
    public void The_ml_team_recommending_a_model_does_not_promote_it_past_the_gate()
    {
        var decided = Gate().Decide(Completed(0.78, 0.77, recommended: true), null, null);

        Assert.That((decided.Decision, decided.Recommended), Is.EqualTo((ModelDecision.Rejected, true)));
        Assert.That(decided.Reasons.Single(), Does.Contain("needs at least 3%"));
    }

    [Test]
    public void A_lower_is_better_metric_improves_by_falling()
    {
        var decided = Gate(higherIsBetter: false).Decide(Completed(accuracy: 0.40, baseline: 0.50), null, null);

        Assert.That(decided.Decision, Is.EqualTo(ModelDecision.Promoted));
        Assert.That(decided.Improvement, Is.EqualTo(0.2).Within(1e-12));
    }

    [Test]
    public void A_guard_that_regresses_past_its_limit_rejects_an_otherwise_better_model()
    {
        var guards = new Dictionary<string, GuardOptions> { ["toxicity"] = new() { HigherIsBetter = false, MaxRegression = 0.10 } };

        var held = Gate(guards: guards).Decide(Completed(0.85, 0.77, toxicity: 0.0105, baselineToxicity: 0.01), null, null);
        var regressed = Gate(guards: guards).Decide(Completed(0.85, 0.77, toxicity: 0.012, baselineToxicity: 0.01), null, null);

        Assert.That(held.Decision, Is.EqualTo(ModelDecision.Promoted), "5% worse is within 10%");
        Assert.That(regressed.Decision, Is.EqualTo(ModelDecision.Rejected));
        var check = regressed.Guards.Single();
        Assert.That((check.Metric, check.Passed), Is.EqualTo(("toxicity", false)));
        Assert.That(check.Regression, Is.EqualTo(0.2).Within(1e-9));
        Assert.That(regressed.Reasons, Has.Some.Contains("toxicity regressed"));
    }

    [Test]
    public void Without_a_reported_baseline_the_last_promoted_model_is_the_baseline()
    {
        var completed = Completed(0.80, 0) with { BaselineMetrics = new Dictionary<string, double>() };

        var decided = Gate().Decide(completed, null, new Dictionary<string, double> { ["accuracy"] = 0.79 });

        Assert.That((decided.Decision, decided.Baseline, decided.BaselineSource), Is.EqualTo((ModelDecision.Rejected, (double?)0.79, "promoted model")));
    }

    [Test]
    public void The_first_model_ever_has_no_baseline_and_the_recommendation_stands_saying_so()
    {
        var completed = Completed(0.80, 0) with { BaselineMetrics = new Dictionary<string, double>() };

        var promoted = Gate().Decide(completed, null, null);
        var notRecommended = Gate().Decide(completed with { Promoted = false }, null, null);

        Assert.That((promoted.Decision, promoted.BaselineSource), Is.EqualTo((ModelDecision.Promoted, "none")));
        Assert.That(promoted.Reasons.Single(), Does.Contain("no baseline"));
        Assert.That(notRecommended.Decision, Is.EqualTo(ModelDecision.Rejected));
    }

    [Test]
    public void A_model_without_the_gate_metric_is_rejected()
    {
        var completed = Completed(0.80, 0.5) with { Metrics = new Dictionary<string, double> { ["f1"] = 0.9 } };

        var decided = Gate().Decide(completed, null, null);

        Assert.That(decided.Decision, Is.EqualTo(ModelDecision.Rejected));
        Assert.That(decided.Reasons.Single(), Is.EqualTo("the gate metric accuracy was not reported"));
    }
}
