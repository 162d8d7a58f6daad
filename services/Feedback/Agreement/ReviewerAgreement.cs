using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.Feedback.Agreement;

/// <summary>What an item's completion gives to publish: each reviewer's agreement, and the correction its consensus trains on.</summary>
public sealed record ItemOutcome(IReadOnlyList<ReviewerAgreementMeasured> Agreement, CorrectionAccepted? Accepted)
{
    public static ItemOutcome Incomplete { get; } = new([], null);
}

/// <summary>
/// Turns blind multi-reviews into agreement and consensus: once every required reviewer has reviewed an item, the
/// item becomes a unit of agreement, each of its reviewers' agreement with peers is measured again, and the rule
/// decides the item: an agreed edit trains the bot, a disagreement waits for a lead.
/// </summary>
public sealed class ReviewerAgreement(IFeedbackStore store, IOptions<FeedbackOptions> options, TimeProvider clock)
{
    /// <summary>The most reviews of one response read; far above any review count a policy asks for.</summary>
    private const int MaxReviewsPerItem = 50;

    /// <returns>What to publish once the item is complete; <see cref="ItemOutcome.Incomplete"/> while reviews are missing.</returns>
    public async Task<ItemOutcome> ItemReviewedAsync(string responseId, int requiredReviews, CancellationToken cancellationToken)
    {
        if (requiredReviews < 2)
        {
            return ItemOutcome.Incomplete;
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
            return ItemOutcome.Incomplete;
        }

        // Safe to repeat (a redelivery, or the other reviews' messages seeing the item complete too): the item and its
        // comparisons are stored once, and each reviewer's figures are counted from what is stored.
        var rule = options.Value.ConsensusRule;
        var verdict = Consensus.Decide([.. reviews.Select(r => r.Verdict)], rule);
        var item = await store.RecordReviewedItemOnceAsync(
            new ReviewedItem
            {
                Id = responseId,
                ProductId = reviews[0].ProductId,
                Reviews = [.. reviews.Select(r => new ItemReview(r.ReviewerId, r.Id, r.ReviewNumber, r.Verdict, r.Labels))],
                CompletedAt = reviews.Max(r => r.CompletedAt),
                Rule = rule,
                Status = verdict is null ? ConsensusStatus.Disputed : ConsensusStatus.Agreed,
                Verdict = verdict,
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

        var accepted = item is { Status: ConsensusStatus.Agreed, Verdict: ReviewVerdict.Edited }
            ? await TrainOnAgreedEditAsync(item, reviews, now.UtcDateTime, cancellationToken)
            : null;
        return new ItemOutcome(measured, accepted);
    }

    /// <summary>
    /// The reviewers agreed the answer needed an edit: the first of their corrections that passed validation becomes
    /// the golden example, with every review of the item in its lineage.
    /// </summary>
    private async Task<CorrectionAccepted?> TrainOnAgreedEditAsync(ReviewedItem item, IReadOnlyList<ReviewRecord> reviews, DateTime now, CancellationToken cancellationToken)
    {
        if (reviews.FirstOrDefault(r => r is { Outcome: CorrectionOutcome.Held or CorrectionOutcome.Accepted, CorrectedText: not null }) is not { } chosen)
        {
            return null;
        }

        var reviewer = await store.FindReviewerAsync(chosen.ReviewerId, cancellationToken);
        var example = await store.AddGoldenExampleOnceAsync(
            GoldenExample.Of(chosen, chosen.CorrectedText!, chosen.Similarity ?? 0, reviewer?.AgreementRate ?? 1.0, now) with
            {
                Consensus = item.Rule == ConsensusRule.Unanimous || item.Unanimous ? Consensuses.Unanimous : Consensuses.Majority,
                ReviewIds = [.. item.Reviews.Select(r => r.ReviewId)],
                ReviewerIds = [.. item.Reviews.Select(r => r.ReviewerId)],
            },
            cancellationToken);
        await store.MarkCorrectionAcceptedAsync(chosen.Id, example.Id, cancellationToken);
        await store.ChangeReviewedItemAsync(
            item.Id, i => i.GoldenExampleId is null ? i with { GoldenExampleId = example.Id, Version = i.Version + 1 } : null, cancellationToken);
        return example.ToEvent();
    }
}
