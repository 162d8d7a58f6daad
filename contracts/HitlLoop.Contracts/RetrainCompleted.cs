namespace HitlLoop.Contracts;

/// <summary>The ML team finished a retrain requested by <see cref="RequestId"/>.</summary>
public sealed record RetrainCompleted
{
    public required string RequestId { get; init; }
    public required string NewModelVersion { get; init; }
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
    public bool Promoted { get; init; }
    public DateTimeOffset CompletedAt { get; init; }
}
