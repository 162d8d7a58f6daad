using HitlLoop.Contracts;

namespace HitlLoop.ReviewQueue.Queue;

/// <summary>What a reviewer sends to finish a review. The reviewer is the authenticated caller, never a field here.</summary>
public sealed record ReviewSubmission
{
    public const int MaxCorrectedTextLength = 20_000;
    public const int MaxNotesLength = 4_000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 100;
    public const int MaxSeverityLength = 50;

    public ReviewVerdict? Verdict { get; init; }
    public string? CorrectedText { get; init; }
    public ReviewRatings? Ratings { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public IReadOnlyList<string>? Categories { get; init; }
    public string? Severity { get; init; }
    public string? Notes { get; init; }
    public bool? ShouldLearn { get; init; }

    /// <summary>Field name (camelCase, as sent) to what is wrong with it; empty when the submission is valid.</summary>
    public Dictionary<string, string[]> Validate(string originalResponse)
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
        else if (Verdict == ReviewVerdict.Edited && CorrectedText!.Trim() == originalResponse.Trim())
        {
            errors["correctedText"] = ["correctedText is the bot's answer unchanged; if it is right, approve it instead."];
        }

        if (Verdict is ReviewVerdict.Approved && !string.IsNullOrEmpty(CorrectedText))
        {
            errors["correctedText"] = ["an approval carries no correctedText; use the verdict edited."];
        }

        TooLong(errors, "correctedText", CorrectedText, MaxCorrectedTextLength);
        TooLong(errors, "notes", Notes, MaxNotesLength);
        TooLong(errors, "severity", Severity, MaxSeverityLength);
        Tags(errors, "labels", Labels);
        Tags(errors, "categories", Categories);

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

    private static void TooLong(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (value?.Length > max)
        {
            errors[field] = [$"{field} is {value.Length} characters; at most {max} are accepted."];
        }
    }

    private static void Tags(Dictionary<string, string[]> errors, string field, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count > MaxTags)
        {
            errors[field] = [$"{field} has {values.Count} entries; at most {MaxTags} are accepted."];
        }
        else if (values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > MaxTagLength))
        {
            errors[field] = [$"each of {field} must be 1..{MaxTagLength} characters."];
        }
    }
}

/// <summary>Why a reviewer passes on an item; it is not served to them again.</summary>
public sealed record SkipRequest
{
    public const int MaxReasonLength = 500;

    public string? Reason { get; init; }

    public Dictionary<string, string[]> Validate() =>
        string.IsNullOrWhiteSpace(Reason) ? new() { ["reason"] = ["reason is required: say why you skip this review."] }
        : Reason.Length > MaxReasonLength ? new() { ["reason"] = [$"reason is {Reason.Length} characters; at most {MaxReasonLength} are accepted."] }
        : [];
}
