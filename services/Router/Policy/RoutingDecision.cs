using HitlLoop.Contracts;

namespace HitlLoop.Router.Policy;

public sealed record RoutingDecision
{
    public required bool NeedsReview { get; init; }
    public required IReadOnlyList<ReviewTrigger> Triggers { get; init; }
    public required ReviewPriority Priority { get; init; }
    public required LearningValue Learning { get; init; }
    public double LearningValue => Learning.Value;
    public required double ConfidenceThreshold { get; init; }
    public required string PolicyVersion { get; init; }

    /// <summary>How many different reviewers must review the response.</summary>
    public int RequiredReviews { get; init; } = 1;

    /// <summary>True when the response would have been auto-approved but was drawn for a retroactive audit.</summary>
    public bool IsAudit => Triggers is [{ Code: TriggerCodes.RandomAudit }];
}
