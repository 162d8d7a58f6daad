using HitlLoop.Contracts;
using HitlLoop.Feedback.Agreement;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>One review of a multi-reviewed item, as agreement sees it.</summary>
public sealed record ItemReview(string ReviewerId, string ReviewId, int ReviewNumber, ReviewVerdict Verdict, IReadOnlyList<string> Labels);

/// <summary>A lead's decision on an item its reviewers disagreed on.</summary>
public sealed record Adjudication(string LeadId, ReviewVerdict Verdict, string? CorrectedText, string? Notes, DateTime At);

/// <summary>
/// An item every required reviewer has reviewed, blind to one another: the unit agreement is computed on, and the
/// consensus that decides what, if anything, of it becomes training data.
/// </summary>
public sealed record ReviewedItem : IHasOutbox<ReviewedItem>
{
    /// <summary>The response id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }

    /// <summary>One review per reviewer, in review-number order.</summary>
    public required IReadOnlyList<ItemReview> Reviews { get; init; }

    /// <summary>When the last of its reviews was completed.</summary>
    public DateTime CompletedAt { get; init; }

    public ConsensusRule Rule { get; init; }
    public ConsensusStatus Status { get; init; }

    /// <summary>The verdict that stands: the reviewers' under the rule, or the lead's; null while disputed.</summary>
    public ReviewVerdict? Verdict { get; init; }

    public Adjudication? Adjudication { get; init; }

    /// <summary>The golden example the item became, when its verdict stands as an edit with a correction fit to train on.</summary>
    public string? GoldenExampleId { get; init; }

    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public ReviewedItem WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };

    public bool Unanimous => Reviews.Select(r => r.Verdict).Distinct().Count() == 1;

    public IReadOnlyList<ReviewVerdict> Verdicts() => [.. Reviews.Select(r => r.Verdict)];
}

/// <summary>
/// One reviewer's verdict on an item beside one peer's: a reviewer's agreement is the share of these that agree.
/// Stored one by one under ids of their own, so counting them is exact however often an item is seen.
/// </summary>
public sealed record PeerComparison : IDocument
{
    /// <summary>Response id, reviewer id and peer id, each on a line of its own.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ReviewerId { get; init; }
    public required string PeerId { get; init; }
    public required string ResponseId { get; init; }
    public required string ProductId { get; init; }
    public bool Agreed { get; init; }

    /// <summary>True for the reviewer's first peer on the item (in id order), so items compared can be counted too.</summary>
    public bool FirstPeer { get; init; }

    public DateTime ComparedAt { get; init; }

    /// <summary>Every ordered pair of different reviewers on the item.</summary>
    public static IReadOnlyList<PeerComparison> Of(ReviewedItem item)
    {
        var pairs = new List<PeerComparison>();
        foreach (var review in item.Reviews)
        {
            var first = true;
            foreach (var peer in item.Reviews.Where(p => p.ReviewerId != review.ReviewerId).OrderBy(p => p.ReviewerId, StringComparer.Ordinal))
            {
                pairs.Add(new PeerComparison
                {
                    Id = $"{item.Id}\n{review.ReviewerId}\n{peer.ReviewerId}",
                    ReviewerId = review.ReviewerId,
                    PeerId = peer.ReviewerId,
                    ResponseId = item.Id,
                    ProductId = item.ProductId,
                    Agreed = review.Verdict == peer.Verdict,
                    FirstPeer = first,
                    ComparedAt = item.CompletedAt,
                });
                first = false;
            }
        }

        return pairs;
    }
}

/// <summary>A reviewer's comparisons with peers: items, pairs of verdicts, and the pairs that agreed.</summary>
public sealed record PeerCounts(long Items, long Pairs, long Agreed)
{
    public double? Agreement => Pairs == 0 ? null : (double)Agreed / Pairs;
}
