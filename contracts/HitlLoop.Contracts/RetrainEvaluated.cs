namespace HitlLoop.Contracts;

/// <summary>What the evaluation gate made of a retrained model.</summary>
public enum ModelDecision
{
    Promoted,
    Rejected,
}

/// <summary>A guard metric's check: it may not regress past its limit.</summary>
public sealed record GuardCheck
{
    public required string Metric { get; init; }
    public double? Value { get; init; }
    public double? Baseline { get; init; }

    /// <summary>The relative change towards worse (positive: it regressed by that share of the baseline).</summary>
    public double? Regression { get; init; }

    public double MaxRegression { get; init; }
    public bool Passed { get; init; }
}

/// <summary>
/// TrainingOrchestrator's evaluation gate decided whether the model a <see cref="RetrainCompleted"/> reported is
/// promoted: the gate metric must improve on the baseline by the configured margin, and no guard metric may regress
/// past its limit. The ML team's own flag is kept as <see cref="Recommended"/>.
/// </summary>
public sealed record RetrainEvaluated
{
    public required string RequestId { get; init; }
    public required string NewModelVersion { get; init; }
    public string? DatasetId { get; init; }
    public ModelDecision Decision { get; init; }

    /// <summary>Why, one sentence a reason: every failed check, or what passed.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>The gate metric, e.g. accuracy.</summary>
    public required string Metric { get; init; }

    public double? Value { get; init; }
    public double? Baseline { get; init; }

    /// <summary>The relative change towards better: (value - baseline) / |baseline|, sign flipped for a lower-is-better metric.</summary>
    public double? Improvement { get; init; }

    public double RequiredImprovement { get; init; }
    public IReadOnlyList<GuardCheck> Guards { get; init; } = [];

    /// <summary>Where the baseline came from: "reported" (RetrainCompleted.baselineMetrics), "promoted model" or "none".</summary>
    public string BaselineSource { get; init; } = "";

    /// <summary>The ML team's own promote flag.</summary>
    public bool Recommended { get; init; }

    public DateTimeOffset DecidedAt { get; init; }
}
