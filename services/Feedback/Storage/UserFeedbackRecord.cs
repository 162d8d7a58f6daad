using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>An end user's reaction to one response, as the chat product reported it.</summary>
public sealed record UserFeedbackRecord : IDocument
{
    /// <summary>The product's feedback id: a redelivered reaction finds this record and stops.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ResponseId { get; init; }
    public string? ProductId { get; init; }
    public bool? ThumbsUp { get; init; }
    public int? Rating { get; init; }

    /// <summary>True for thumbs up or 4–5 stars, false for thumbs down or 1–2 stars, null for a neutral 3.</summary>
    public bool? Positive { get; init; }

    public string? Comment { get; init; }
    public DateTime SubmittedAt { get; init; }
    public DateTime RecordedAt { get; init; }
}

public sealed record UserFeedbackCounts(long Total, long Positive, long Negative);
