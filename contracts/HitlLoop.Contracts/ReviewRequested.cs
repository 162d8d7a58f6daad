namespace HitlLoop.Contracts;

/// <summary>Router decided a scored response needs human review.</summary>
public sealed record ReviewRequested
{
    public required ResponseScored Response { get; init; }
    public required IReadOnlyList<ReviewTrigger> Triggers { get; init; }
    public required ReviewPriority Priority { get; init; }

    /// <summary>Active-learning value 0..1: how much a human answer here teaches the bot.</summary>
    public double LearningValue { get; init; }

    /// <summary>How many different reviewers must review the response (1–3), blind to each other's answers.</summary>
    public int RequiredReviews { get; init; } = 1;
    public DateTimeOffset DueBy { get; init; }
    public required string PolicyVersion { get; init; }
    public DateTimeOffset RequestedAt { get; init; }
}
