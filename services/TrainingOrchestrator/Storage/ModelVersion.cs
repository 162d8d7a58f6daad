using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>A model the ML team trained on one of our requests, with its evaluation and whether it shipped.</summary>
public sealed record ModelVersion : IDocument
{
    public const string CollectionName = "model-versions";

    /// <summary>The new model version as the ML team names it.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string RequestId { get; init; }

    /// <summary>Null when the request id matched none of ours.</summary>
    public string? DatasetId { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Whether it passed the ML team's evaluation gate and now serves traffic.</summary>
    public bool Promoted { get; init; }

    public DateTime CompletedAt { get; init; }
    public DateTime RecordedAt { get; init; }
}
