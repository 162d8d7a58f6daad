using HitlLoop.ReviewQueue.Reviewers;

namespace HitlLoop.ReviewQueue.Api;

/// <summary>A reviewer as leads (and the reviewer themselves) see them: profile, availability and stats.</summary>
public sealed record ReviewerProfile
{
    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary>The caller's roles, from their token; only on <c>/api/reviewers/me</c>.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    public bool Deactivated { get; init; }
    public ReviewerAvailability Availability { get; init; }
    public int MaxHeld { get; init; }
    public ReviewerSpecializations Specializations { get; init; } = new();
    public int ReviewsCompleted { get; init; }
    public double? MedianReviewSeconds { get; init; }
    public double? Agreement { get; init; }
    public int AgreementItems { get; init; }
    public DateTime CreatedAt { get; init; }

    public static ReviewerProfile Of(Reviewer reviewer, IReadOnlyList<string>? roles = null) => new()
    {
        Id = reviewer.Id,
        Name = reviewer.Name,
        Roles = roles,
        Deactivated = reviewer.Deactivated,
        Availability = reviewer.Availability,
        MaxHeld = reviewer.MaxHeld,
        Specializations = reviewer.Specializations,
        ReviewsCompleted = reviewer.ReviewsCompleted,
        MedianReviewSeconds = reviewer.MedianReviewSeconds,
        Agreement = reviewer.Agreement,
        AgreementItems = reviewer.AgreementItems,
        CreatedAt = reviewer.CreatedAt,
    };
}

/// <summary>A page of reviewers in registration order; pass <see cref="Next"/> as <c>after</c> for the next one.</summary>
public sealed record ReviewerPage(IReadOnlyList<ReviewerProfile> Items, string? Next);

/// <summary>What a lead sets on a reviewer; fields left out keep their value.</summary>
public sealed record ReviewerChange
{
    public const int MaxNameLength = 200;
    public const int MaxEntries = 50;
    public const int MaxEntryLength = 100;
    public const int MaxHeldLimit = 50;

    public string? Name { get; init; }
    public ReviewerSpecializations? Specializations { get; init; }
    public int? MaxHeld { get; init; }
    public ReviewerAvailability? Availability { get; init; }

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Name is not null && (string.IsNullOrWhiteSpace(Name) || Name.Length > MaxNameLength))
        {
            errors["name"] = [$"name must be 1..{MaxNameLength} characters."];
        }

        if (MaxHeld is < 1 or > MaxHeldLimit)
        {
            errors["maxHeld"] = [$"maxHeld must lie in 1..{MaxHeldLimit}."];
        }

        foreach (var (field, values) in new[]
                 {
                     ("specializations.products", Specializations?.Products), ("specializations.categories", Specializations?.Categories),
                     ("specializations.languages", Specializations?.Languages),
                 })
        {
            if (values is not null && (values.Count > MaxEntries || values.Any(v => string.IsNullOrWhiteSpace(v) || v.Length > MaxEntryLength)))
            {
                errors[field] = [$"{field} takes at most {MaxEntries} entries of 1..{MaxEntryLength} characters."];
            }
        }

        return errors;
    }

    public Reviewer ApplyTo(Reviewer reviewer, DateTime now) => reviewer with
    {
        Name = Name?.Trim() ?? reviewer.Name,
        Specializations = Specializations is null ? reviewer.Specializations : new ReviewerSpecializations
        {
            Products = [.. (Specializations.Products ?? []).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)],
            Categories = [.. (Specializations.Categories ?? []).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)],
            Languages = [.. (Specializations.Languages ?? []).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)],
        },
        MaxHeld = MaxHeld ?? reviewer.MaxHeld,
        Availability = Availability ?? reviewer.Availability,
        UpdatedAt = now,
        Version = reviewer.Version + 1,
    };
}

public sealed record AvailabilityChange(ReviewerAvailability? Availability);
