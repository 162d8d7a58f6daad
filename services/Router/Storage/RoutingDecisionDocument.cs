using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

public enum RoutingOutcome
{
    AutoApproved,
    ReviewRequested,
}

/// <summary>One decision per response id, with its reasons, scores and policy version.</summary>
public sealed record RoutingDecisionDocument : IDocument
{
    /// <summary>The producer's response id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public required RoutingOutcome Outcome { get; init; }
    public bool Audit { get; init; }
    public double Confidence { get; init; }
    public double ConfidenceThreshold { get; init; }
    public double Sentiment { get; init; }
    public double LearningValue { get; init; }
    public ReviewPriority Priority { get; init; }
    public IReadOnlyList<ReviewTrigger> Triggers { get; init; } = [];
    public required string PolicyVersion { get; init; }
    public DateTime DecidedAt { get; init; }

    /// <summary>The request sent to ReviewQueue, kept so a redelivered response re-sends the same one.</summary>
    public ReviewRequested? ReviewRequest { get; init; }
}
