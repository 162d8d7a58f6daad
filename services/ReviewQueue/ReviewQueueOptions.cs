using System.ComponentModel.DataAnnotations;

namespace HitlLoop.ReviewQueue;

/// <summary>The "ReviewQueue" section.</summary>
public sealed class ReviewQueueOptions : IValidatableObject
{
    public const string Section = "ReviewQueue";

    /// <summary>How long a claim holds an item before another reviewer may take it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Reviewers and their bearer tokens. Production sets the tokens from a secret store.</summary>
    public List<ReviewerOptions> Reviewers { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive.", [nameof(LeaseDuration)]);
        }

        for (var i = 0; i < Reviewers.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Reviewers[i].Id) || string.IsNullOrWhiteSpace(Reviewers[i].Token))
            {
                yield return new ValidationResult($"reviewer {i} needs an Id and a Token.", [nameof(Reviewers)]);
            }
        }

        foreach (var duplicate in Reviewers.GroupBy(r => r.Token, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"reviewers {string.Join(", ", duplicate.Select(r => r.Id))} share a token.", [nameof(Reviewers)]);
        }
    }
}

public sealed class ReviewerOptions
{
    public string Id { get; set; } = "";
    public string? Name { get; set; }
    public string Token { get; set; } = "";
    /// <summary>"product:support-bot", "category:billing", "language:de"; a bare word is a category.</summary>
    public List<string> Specializations { get; set; } = [];

    public IReadOnlyCollection<string> MatchKeys() =>
        [.. Specializations.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Contains(':', StringComparison.Ordinal) ? s.Trim() : $"category:{s.Trim()}")];
}
