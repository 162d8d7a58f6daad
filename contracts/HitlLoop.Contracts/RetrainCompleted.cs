namespace HitlLoop.Contracts;

/// <summary>The ML team finished a retrain requested by <see cref="RequestId"/>.</summary>
public sealed record RetrainCompleted
{
    public required string RequestId { get; init; }
    public required string NewModelVersion { get; init; }

    /// <summary>The new model's results on the snapshot's frozen eval split, keyed by metric name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// The serving (baseline) model's results on the same eval split. When left out, TrainingOrchestrator compares
    /// with the metrics recorded for the model it last promoted.
    /// </summary>
    public IReadOnlyDictionary<string, double> BaselineMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The ML team's recommendation; TrainingOrchestrator's evaluation gate decides (<see cref="RetrainEvaluated"/>).</summary>
    public bool Promoted { get; init; }

    public DateTimeOffset CompletedAt { get; init; }
}
