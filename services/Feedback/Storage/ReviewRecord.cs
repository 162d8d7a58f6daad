using HitlLoop.Contracts;
using HitlLoop.Feedback.Corrections;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

public enum CorrectionOutcome
{
    /// <summary>Nothing to learn: an approval, a rejection, or an edit the reviewer marked should-learn = false.</summary>
    NotApplicable,
    Accepted,
    Rejected,

    /// <summary>A valid correction of a multi-reviewed item, held until the item's consensus says whether it trains the bot.</summary>
    Held,
}

/// <summary>One completed review, as Feedback judged it; the basis of every loop metric.</summary>
public sealed record ReviewRecord : IDocument
{
    /// <summary>The review id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ResponseId { get; init; }
    public required string ProductId { get; init; }
    public required string ReviewerId { get; init; }
    public required ReviewVerdict Verdict { get; init; }
    public string ConversationId { get; init; } = "";
    public string Query { get; init; } = "";
    public ResponseContext Context { get; init; } = new();
    public string OriginalText { get; init; } = "";
    public string? CorrectedText { get; init; }
    public ReviewRatings Ratings { get; init; } = new();
    public IReadOnlyList<string> Labels { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public string? Severity { get; init; }
    public string? Notes { get; init; }
    public bool ShouldLearn { get; init; }
    public double ReviewDurationSeconds { get; init; }
    public IReadOnlyList<string> TriggerCodes { get; init; } = [];
    public string? ModelVersion { get; init; }
    public string? PolicyVersion { get; init; }

    /// <summary>How many different reviewers the item needed; agreement is measured once all of them are in.</summary>
    public int RequiredReviews { get; init; } = 1;

    public int ReviewNumber { get; init; } = 1;
    public DateTime CompletedAt { get; init; }
    public DateTime RecordedAt { get; init; }

    public required CorrectionOutcome Outcome { get; init; }

    /// <summary>Why the correction was rejected; empty unless <see cref="Outcome"/> is Rejected.</summary>
    public IReadOnlyList<CorrectionRejection> RejectionReasons { get; init; } = [];

    /// <summary>Original vs corrected text, for edits that were validated.</summary>
    public double? Similarity { get; init; }

    public string? GoldenExampleId { get; init; }
}
