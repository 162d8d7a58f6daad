using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>
/// A model the ML team trained on one of our requests, with its evaluation and the gate's decision, and the
/// <see cref="RetrainEvaluated"/> it owes until published.
/// </summary>
public sealed record ModelVersion : IHasOutbox<ModelVersion>
{
    public const string CollectionName = "model-versions";

    /// <summary>The new model version as the ML team names it.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string RequestId { get; init; }

    /// <summary>Null when the request id matched none of ours.</summary>
    public string? DatasetId { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The baseline's metrics the gate compared with (reported, or the last promoted model's).</summary>
    public IReadOnlyDictionary<string, double> BaselineMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Whether the evaluation gate promoted it: the model that serves traffic and that later retrains start from.</summary>
    public bool Promoted { get; init; }

    /// <summary>The ML team's own promote flag.</summary>
    public bool Recommended { get; init; }

    /// <summary>The gate's decision with its reasons.</summary>
    public RetrainEvaluated? Evaluation { get; init; }

    public DateTime CompletedAt { get; init; }
    public DateTime RecordedAt { get; init; }

    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public ModelVersion WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };
}
