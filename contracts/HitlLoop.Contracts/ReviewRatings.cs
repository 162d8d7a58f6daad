namespace HitlLoop.Contracts;

/// <summary>Reviewer ratings on a 1..5 scale; null where not rated.</summary>
public sealed record ReviewRatings
{
    public int? Overall { get; init; }
    public int? Tone { get; init; }
    public int? Relevance { get; init; }
    public int? Clarity { get; init; }
}
