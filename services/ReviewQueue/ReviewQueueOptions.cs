using System.ComponentModel.DataAnnotations;

namespace HitlLoop.ReviewQueue;

/// <summary>The "ReviewQueue" section.</summary>
public sealed class ReviewQueueOptions : IValidatableObject
{
    public const string Section = "ReviewQueue";

    /// <summary>How long a claim holds an item before another reviewer may take it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Reviewer profiles (specializations), until reviewers are managed over HTTP.</summary>
    public List<ReviewerOptions> Reviewers { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive.", [nameof(LeaseDuration)]);
        }
    }
}

/// <summary>A reviewer's profile. Who a caller is comes from their token; this only adds what they specialize in.</summary>
public sealed class ReviewerOptions
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }

    /// <summary>"product:support-bot", "category:billing", "language:de"; a bare word is a category.</summary>
    public List<string> Specializations { get; set; } = [];

    public IReadOnlyCollection<string> MatchKeys() =>
        [.. Specializations.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Contains(':', StringComparison.Ordinal) ? s.Trim() : $"category:{s.Trim()}")];
}
