namespace HitlLoop.Contracts;

/// <summary>An end user reacted to a response: thumbs up or down, or a 1..5 rating, with an optional comment.</summary>
public sealed record UserFeedbackSubmitted
{
    public required string FeedbackId { get; init; }
    public required string ResponseId { get; init; }
    public string? ProductId { get; init; }
    public bool? ThumbsUp { get; init; }
    public int? Rating { get; init; }
    public string? Comment { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
}
