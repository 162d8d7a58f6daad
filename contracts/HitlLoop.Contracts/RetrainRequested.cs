namespace HitlLoop.Contracts;

/// <summary>TrainingOrchestrator asks the ML team to retrain on an immutable dataset snapshot.</summary>
public sealed record RetrainRequested
{
    public required string RequestId { get; init; }
    public required string DatasetId { get; init; }
    public int DatasetVersion { get; init; }

    /// <summary>"sha256:" + hex digest of the snapshot's canonical SFT JSONL.</summary>
    public required string ContentHash { get; init; }

    public required DatasetCounts Counts { get; init; }
    public required IReadOnlyList<DatasetFormat> Formats { get; init; }
    public double EvalFraction { get; init; }
    public required string TriggerReason { get; init; }
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = new Dictionary<string, double>();
    public string? BaseModelVersion { get; init; }

    /// <summary>The product whose signal (end users' reactions, repeated mistakes) set the request off; null for the others.</summary>
    public string? ProductId { get; init; }

    public DateTimeOffset RequestedAt { get; init; }
}
