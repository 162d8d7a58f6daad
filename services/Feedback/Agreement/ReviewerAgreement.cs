using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;

namespace HitlLoop.Feedback.Agreement;

/// <summary>
/// Turns blind multi-reviews into agreement: once every required reviewer has reviewed an item, the item becomes a
/// unit of agreement and each of its reviewers' agreement with peers is measured again.
/// </summary>
public sealed class ReviewerAgreement(IFeedbackStore store, TimeProvider clock)
{
    /// <summary>The most reviews of one response read; far above any review count a policy asks for.</summary>
    private const int MaxReviewsPerItem = 50;

    /// <returns>Each reviewer's agreement, to publish, once the item is complete; empty while reviews are missing.</returns>
    public async Task<IReadOnlyList<ReviewerAgreementMeasured>> ItemReviewedAsync(string responseId, int requiredReviews, CancellationToken cancellationToken)
    {
        if (requiredReviews < 2)
        {
            return [];
        }

        // One review per reviewer counts: a reviewer cannot agree with themselves.
        var reviews = (await store.ReviewsOfResponseAsync(responseId, MaxReviewsPerItem, cancellationToken))
            .OrderBy(r => r.ReviewNumber)
            .ThenBy(r => r.CompletedAt)
            .DistinctBy(r => r.ReviewerId, StringComparer.Ordinal)
            .Take(requiredReviews)
            .ToList();
        if (reviews.Count < requiredReviews)
        {
            return [];
        }

        // Safe to repeat (a redelivery, or the other reviews' messages seeing the item complete too): the item and its
        // comparisons are stored once, and each reviewer's figures are counted from what is stored.
        var item = await store.RecordReviewedItemOnceAsync(
            new ReviewedItem
            {
                Id = responseId,
                ProductId = reviews[0].ProductId,
                Reviews = [.. reviews.Select(r => new ItemReview(r.ReviewerId, r.Id, r.ReviewNumber, r.Verdict, r.Labels))],
                CompletedAt = reviews.Max(r => r.CompletedAt),
            },
            cancellationToken);
        await store.RecordComparisonsAsync(PeerComparison.Of(item), cancellationToken);

        var now = clock.GetUtcNow();
        var measured = new List<ReviewerAgreementMeasured>(item.Reviews.Count);
        foreach (var review in item.Reviews)
        {
            var counts = await store.CountComparisonsAsync(review.ReviewerId, cancellationToken);
            var stats = await store.RecordAgreementAsync(review.ReviewerId, counts, now.UtcDateTime, cancellationToken);
            measured.Add(new ReviewerAgreementMeasured
            {
                ReviewerId = review.ReviewerId,
                Agreement = stats.AgreementRate ?? 0,
                ItemsCompared = (int)Math.Min(stats.ItemsCompared, int.MaxValue),
                MeasuredAt = stats.AgreementMeasuredAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : now,
            });
        }

        return measured;
    }
}
