using System.ComponentModel.DataAnnotations;

namespace HitlLoop.ReviewQueue;

/// <summary>The "ReviewQueue" section.</summary>
public sealed class ReviewQueueOptions : IValidatableObject
{
    public const string Section = "ReviewQueue";

    /// <summary>How long a claim holds an item before another reviewer may take it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be positive.", [nameof(LeaseDuration)]);
        }
    }
}
