using HitlLoop.Contracts;

namespace HitlLoop.ReviewQueue.Queue;

/// <summary>What a reviewer sends to finish a review. The reviewer is the authenticated caller, never a field here.</summary>
public sealed record ReviewSubmission
{
    public ReviewVerdict? Verdict { get; init; }
    public string? CorrectedText { get; init; }
    public ReviewRatings? Ratings { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public IReadOnlyList<string>? Categories { get; init; }
    public string? Severity { get; init; }
    public string? Notes { get; init; }
    public bool? ShouldLearn { get; init; }

    /// <summary>Field name (camelCase, as sent) to what is wrong with it; empty when the submission is valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Verdict is null)
        {
            errors["verdict"] = ["verdict is required: approved, edited or rejected."];
        }

        if (Verdict == ReviewVerdict.Edited && string.IsNullOrWhiteSpace(CorrectedText))
        {
            errors["correctedText"] = ["correctedText is required when the verdict is edited."];
        }

        if (Verdict is ReviewVerdict.Approved && !string.IsNullOrEmpty(CorrectedText))
        {
            errors["correctedText"] = ["an approval carries no correctedText; use the verdict edited."];
        }

        foreach (var (name, value) in new[]
                 {
                     ("overall", Ratings?.Overall), ("tone", Ratings?.Tone), ("relevance", Ratings?.Relevance), ("clarity", Ratings?.Clarity),
                 })
        {
            if (value is < 1 or > 5)
            {
                errors[$"ratings.{name}"] = [$"ratings.{name} must lie in 1..5."];
            }
        }

        return errors;
    }
}
