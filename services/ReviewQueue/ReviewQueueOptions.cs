using System.ComponentModel.DataAnnotations;

namespace HitlLoop.ReviewQueue;

/// <summary>The "ReviewQueue" section.</summary>
public sealed class ReviewQueueOptions : IValidatableObject
{
    public const string Section = "ReviewQueue";

    /// <summary>How long a claim holds an item before another reviewer may take it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Reviewer profiles registered at first start; after that leads manage reviewers over HTTP.</summary>
    public List<ReviewerOptions> Reviewers { get; set; } = [];

    /// <summary>Where the review pages find the APIs ReviewQueue does not serve.</summary>
    public FrontendOptions Frontend { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive.", [nameof(LeaseDuration)]);
        }

        for (var i = 0; i < Reviewers.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Reviewers[i].Id))
            {
                yield return new ValidationResult($"reviewer {i} needs an Id.", [nameof(Reviewers)]);
            }
        }
    }
}

/// <summary>
/// The "ReviewQueue:Frontend" section. Empty where Feedback and PatternLearner share ReviewQueue's origin (the embedded
/// default); otherwise each one's public address, which the pages call from the browser (and which list the pages'
/// origin in their own Hitl:Cors:Origins).
/// </summary>
public sealed class FrontendOptions : IValidatableObject
{
    public Uri? FeedbackUrl { get; set; }
    public Uri? PatternLearnerUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, url) in new[] { (nameof(FeedbackUrl), FeedbackUrl), (nameof(PatternLearnerUrl), PatternLearnerUrl) })
        {
            if (url is not null && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                yield return new ValidationResult("must be an absolute http(s) address, e.g. https://feedback.example.com/.", [name]);
            }
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

    public Reviewers.Reviewer ToReviewer(DateTime now)
    {
        var keys = Specializations.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList();
        IReadOnlyList<string> Of(string kind) =>
            [.. keys.Where(k => k.StartsWith(kind + ":", StringComparison.Ordinal)).Select(k => k[(kind.Length + 1)..])];
        return Reviewers.Reviewer.Register(Id, string.IsNullOrWhiteSpace(Name) ? Id : Name, now) with
        {
            Specializations = new Reviewers.ReviewerSpecializations
            {
                Products = Of("product"),
                Categories = [.. Of("category"), .. keys.Where(k => !k.Contains(':', StringComparison.Ordinal))],
                Languages = Of("language"),
            },
        };
    }
}
