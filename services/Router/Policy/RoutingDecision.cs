using HitlLoop.Contracts;

namespace HitlLoop.Router.Policy;

public sealed record RoutingDecision
{
    public required bool NeedsReview { get; init; }
    public required IReadOnlyList<ReviewTrigger> Triggers { get; init; }
    public required ReviewPriority Priority { get; init; }
    public required double LearningValue { get; init; }
    public required double ConfidenceThreshold { get; init; }
    public required string PolicyVersion { get; init; }

    /// <summary>True when the response would have been auto-approved but was drawn for a retroactive audit.</summary>
    /// <summary>How many different reviewers must review the response.</summary>
    public int RequiredReviews { get; init; } = 1;

    public bool IsAudit => Triggers is [{ Code: TriggerCodes.RandomAudit }];
}
