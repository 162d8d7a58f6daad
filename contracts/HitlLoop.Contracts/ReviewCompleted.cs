namespace HitlLoop.Contracts;

/// <summary>A reviewer finished a review. Carries enough of the query and context to build a golden example.</summary>
public sealed record ReviewCompleted
{
    public required string ReviewId { get; init; }
    public required string ResponseId { get; init; }
    public required string ProductId { get; init; }
    public string ConversationId { get; init; } = "";
    public required string ReviewerId { get; init; }
    public required ReviewVerdict Verdict { get; init; }
    public string Query { get; init; } = "";
    public ResponseContext Context { get; init; } = new();
    public string OriginalText { get; init; } = "";

    /// <summary>The reviewer's text when the verdict is <see cref="ReviewVerdict.Edited"/>.</summary>
    public string? CorrectedText { get; init; }

    public ReviewRatings Ratings { get; init; } = new();
    public IReadOnlyList<string> Labels { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public string? Severity { get; init; }
    public string? Notes { get; init; }
    public bool ShouldLearn { get; init; } = true;
    public double ReviewDurationSeconds { get; init; }
    public IReadOnlyList<string> TriggerCodes { get; init; } = [];
    public string? ModelVersion { get; init; }

    /// <summary>The Router policy version that sent the response to review.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>How many different reviewers the item needed; Feedback computes agreement once all are in.</summary>
    public int RequiredReviews { get; init; } = 1;

    /// <summary>Which review of the item this is, from 1 to <see cref="RequiredReviews"/>.</summary>
    public int ReviewNumber { get; init; } = 1;

    public DateTimeOffset CompletedAt { get; init; }
}
