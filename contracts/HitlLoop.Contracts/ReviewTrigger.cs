namespace HitlLoop.Contracts;

/// <summary>Why a response went to human review, e.g. code "low_confidence" with detail "0.42 &lt; 0.80".</summary>
public sealed record ReviewTrigger
{
    public required string Code { get; init; }
    public required ReviewPriority Priority { get; init; }
    public string? Detail { get; init; }
}
