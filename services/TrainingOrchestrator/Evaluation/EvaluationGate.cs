using System.ComponentModel.DataAnnotations;
using System.Globalization;
using HitlLoop.Contracts;
using Microsoft.Extensions.Options;

namespace HitlLoop.TrainingOrchestrator.Evaluation;

/// <summary>The "TrainingOrchestrator:Gate" section: what a retrained model must show to be promoted.</summary>
public sealed class EvaluationGateOptions
{
    /// <summary>The metric that must improve, as the ML team names it in RetrainCompleted.metrics.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "TrainingOrchestrator:Gate:Metric is required.")]
    public string Metric { get; set; } = "accuracy";

    public bool HigherIsBetter { get; set; } = true;

    /// <summary>The least relative improvement on the baseline (seed 003: more than 3% after a retrain).</summary>
    [Range(0.0, 10.0, ErrorMessage = "TrainingOrchestrator:Gate:MinImprovement must lie in 0..10.")]
    public double MinImprovement { get; set; } = 0.03;

    /// <summary>Metrics that may not get worse by more than their limit, keyed by name.</summary>
    public Dictionary<string, GuardOptions> Guards { get; set; } = [];
}

public sealed class GuardOptions
{
    public bool HigherIsBetter { get; set; } = true;

    /// <summary>The largest relative regression allowed: 0 allows none, 0.01 allows 1% of the baseline.</summary>
    [Range(0.0, 10.0)]
    public double MaxRegression { get; set; }
}

/// <summary>
/// Decides promote or reject for a retrained model from its metrics and the baseline's, on the same frozen eval split:
/// the gate metric must improve by at least the margin, and no guard may regress past its limit. Changes are
/// relative to the baseline (absolute when the baseline is 0). With no baseline at all (the first model ever), the
/// ML team's recommendation stands, and the reasons say so.
/// </summary>
public sealed class EvaluationGate(IOptions<TrainingOrchestratorOptions> options, TimeProvider clock)
{
    private EvaluationGateOptions Gate => options.Value.Gate;

    public RetrainEvaluated Decide(RetrainCompleted completed, string? datasetId, IReadOnlyDictionary<string, double>? promotedMetrics)
    {
        var (baseline, source) = completed.BaselineMetrics is { Count: > 0 } reported
            ? (reported, "reported")
            : promotedMetrics is { Count: > 0 } promoted ? (promoted, "promoted model") : (null, "none");
        var reasons = new List<string>();
        var metric = Gate.Metric;
        double? value = completed.Metrics.TryGetValue(metric, out var v) ? v : null;
        double? before = baseline is not null && baseline.TryGetValue(metric, out var b) ? b : null;
        double? improvement = value is { } now && before is { } then ? Towards(now, then, Gate.HigherIsBetter) : null;

        bool passes;
        if (value is null)
        {
            passes = false;
            reasons.Add($"the gate metric {metric} was not reported");
        }
        else if (baseline is null)
        {
            passes = completed.Promoted;
            reasons.Add(completed.Promoted
                ? "no baseline to compare with (no metrics reported for it, no model promoted before): the ML team's recommendation to promote stands"
                : "no baseline to compare with, and the ML team did not recommend promoting");
        }
        else if (improvement is not { } gained)
        {
            passes = false;
            reasons.Add($"the baseline has no {metric} to compare with");
        }
        else
        {
            passes = gained >= Gate.MinImprovement;
            reasons.Add(Format(
                $"{metric} {(gained >= 0 ? "improved" : "worsened")} {Math.Abs(gained):0.#%} on {before} ({(passes ? "at least" : "needs at least")} {Gate.MinImprovement:0.#%})"));
        }

        var guards = new List<GuardCheck>();
        foreach (var (name, guard) in Gate.Guards.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            double? guarded = completed.Metrics.TryGetValue(name, out var gv) ? gv : null;
            double? guardBase = baseline is not null && baseline.TryGetValue(name, out var gb) ? gb : null;
            double? regression = guarded is { } now2 && guardBase is { } then2 ? -Towards(now2, then2, guard.HigherIsBetter) : null;
            var passed = regression is { } lost ? lost <= guard.MaxRegression : guardBase is null;
            guards.Add(new GuardCheck { Metric = name, Value = guarded, Baseline = guardBase, Regression = regression, MaxRegression = guard.MaxRegression, Passed = passed });
            reasons.Add(regression is { } r
                ? Format($"{name} {(passed ? "held" : "regressed")}: {Math.Max(0, r):0.#%} worse against at most {guard.MaxRegression:0.#%}")
                : guardBase is null
                    ? $"{name} has no baseline to guard"
                    : $"the guard metric {name} was not reported");
        }

        var promote = passes && guards.All(g => g.Passed);
        return new RetrainEvaluated
        {
            RequestId = completed.RequestId,
            NewModelVersion = completed.NewModelVersion,
            DatasetId = datasetId,
            Decision = promote ? ModelDecision.Promoted : ModelDecision.Rejected,
            Reasons = reasons,
            Metric = metric,
            Value = value,
            Baseline = before,
            Improvement = improvement,
            RequiredImprovement = Gate.MinImprovement,
            Guards = guards,
            BaselineSource = source,
            Recommended = completed.Promoted,
            DecidedAt = clock.GetUtcNow(),
        };
    }

    /// <summary>The relative change from <paramref name="baseline"/> to <paramref name="value"/>, positive when better.</summary>
    private static double Towards(double value, double baseline, bool higherIsBetter)
    {
        var change = baseline == 0 ? value - baseline : (value - baseline) / Math.Abs(baseline);
        return higherIsBetter ? change : -change;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
