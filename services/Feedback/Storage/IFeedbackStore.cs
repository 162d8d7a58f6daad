using HitlLoop.Feedback.Exports;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

public interface IFeedbackStore
{
    Task<ReviewRecord?> FindReviewAsync(string reviewId, CancellationToken cancellationToken);

    /// <summary>Records the review unless it was recorded before; returns the record that stands.</summary>
    Task<ReviewRecord> RecordReviewOnceAsync(ReviewRecord review, CancellationToken cancellationToken);

    /// <summary>Stores the example unless one with its id exists; returns the example that stands.</summary>
    Task<GoldenExample> AddGoldenExampleOnceAsync(GoldenExample example, CancellationToken cancellationToken);

    Task<GoldenExample?> FindGoldenExampleAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> golden examples accepted in [<paramref name="from"/>, <paramref name="to"/>), in
    /// order of acceptance (then id), from just past <paramref name="after"/>.
    /// </summary>
    Task<IReadOnlyList<GoldenExample>> GoldenPageAsync(
        DateTime? from, DateTime? to, bool newestFirst, GoldenCursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<GoldenExample>> LatestGoldenExamplesAsync(string? productId, int limit, CancellationToken cancellationToken);

    Task<ReviewerStats?> FindReviewerAsync(string reviewerId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReviewerStats>> ReviewersAsync(CancellationToken cancellationToken);

    /// <summary>Brings the reviewer's counts in line with the stored reviews; safe to repeat.</summary>
    Task<ReviewerStats> RefreshReviewerAsync(string reviewerId, DateTime reviewedAt, CancellationToken cancellationToken);

    Task<ReviewCounts> CountReviewsAsync(string? productId, CancellationToken cancellationToken);

    /// <summary>The same counts for reviews completed in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<ReviewCounts> CountReviewsAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken);

    /// <summary>Records the end user's reaction unless it was recorded before; returns the record that stands.</summary>
    Task<UserFeedbackRecord> RecordUserFeedbackOnceAsync(UserFeedbackRecord feedback, CancellationToken cancellationToken);

    Task<UserFeedbackCounts> CountUserFeedbackAsync(string? productId, CancellationToken cancellationToken);

    /// <summary>The reviews of one response (several when it needed more than one reviewer), oldest first.</summary>
    Task<IReadOnlyList<ReviewRecord>> ReviewsOfResponseAsync(string responseId, int limit, CancellationToken cancellationToken);

    /// <summary>Each metric's alert state, for their outbox.</summary>
    IDocumentCollection<AlertStatus> Alerts { get; }

    /// <summary>The fully reviewed items, for their outbox.</summary>
    IDocumentCollection<ReviewedItem> ReviewedItems { get; }

    Task<ReviewedItem?> FindReviewedItemAsync(string responseId, CancellationToken cancellationToken);

    /// <summary>Read-modify-write of one item (see DocumentCollectionExtensions.UpdateAsync); null when it is missing.</summary>
    Task<ReviewedItem?> ChangeReviewedItemAsync(string responseId, Func<ReviewedItem, ReviewedItem?> change, CancellationToken cancellationToken);

    /// <summary>Items waiting for a lead, oldest first.</summary>
    Task<IReadOnlyList<ReviewedItem>> DisputedItemsAsync(string? productId, int limit, CancellationToken cancellationToken);

    /// <summary>Marks a held correction as the one its item's consensus trained on.</summary>
    Task<ReviewRecord?> MarkCorrectionAcceptedAsync(string reviewId, string goldenExampleId, CancellationToken cancellationToken);

    /// <summary>Stores the item unless it was stored before; returns the item that stands.</summary>
    Task<ReviewedItem> RecordReviewedItemOnceAsync(ReviewedItem item, CancellationToken cancellationToken);

    /// <summary>Stores the comparisons not stored before.</summary>
    Task RecordComparisonsAsync(IReadOnlyList<PeerComparison> comparisons, CancellationToken cancellationToken);

    Task<PeerCounts> CountComparisonsAsync(string reviewerId, CancellationToken cancellationToken);

    /// <summary>Sets the reviewer's agreement from <paramref name="counts"/>, unless it already rests on as many comparisons.</summary>
    Task<ReviewerStats> RecordAgreementAsync(string reviewerId, PeerCounts counts, DateTime measuredAt, CancellationToken cancellationToken);

    /// <summary>Fully reviewed items completed in [<paramref name="from"/>, <paramref name="to"/>), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ReviewedItem>> ReviewedItemsAsync(string? productId, DateTime from, DateTime to, int limit, CancellationToken cancellationToken);

    /// <summary>Keeps a repeated mistake PatternLearner reported, once per product and correction.</summary>
    Task RecordRepeatedMistakeOnceAsync(RepeatedMistake repeat, CancellationToken cancellationToken);

    /// <summary>Review durations over the latest <paramref name="window"/> reviews.</summary>
    Task<ReviewTime> ReviewTimeAsync(string? productId, int window, CancellationToken cancellationToken);

    /// <summary>Review durations of the reviews completed in [<paramref name="from"/>, <paramref name="to"/>), the latest <paramref name="limit"/> of them.</summary>
    Task<ReviewTime> ReviewTimeAsync(string? productId, DateTime from, DateTime to, int limit, CancellationToken cancellationToken);

    /// <summary>The end users' reactions submitted in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<UserFeedbackCounts> CountUserFeedbackAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken);

    /// <summary>The repeated mistakes accepted on the UTC days in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<long> CountRepeatedMistakesAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken);

    /// <summary>Keeps Router's counts of the product's day, unless counts at least as complete are stored.</summary>
    Task RecordReviewRateAsync(ReviewRateDay day, CancellationToken cancellationToken);

    /// <summary>Router's counts of the UTC days starting in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<ReviewRateCounts> ReviewRateAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken);

    /// <summary>Stores when guidance first used a correction, unless it was stored before.</summary>
    Task RecordCorrectionServedOnceAsync(CorrectionServed served, CancellationToken cancellationToken);

    /// <summary>Seconds from acceptance to first use of the corrections first served in [<paramref name="from"/>, <paramref name="to"/>), the latest <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<double>> SecondsToFirstUseAsync(string? productId, DateTime from, DateTime to, int limit, CancellationToken cancellationToken);
}

/// <summary>Mean review duration over the latest <see cref="Reviews"/> reviews; null when there are none.</summary>
public sealed record ReviewTime(double? AverageSeconds, int Reviews, double? P50Seconds = null, double? P90Seconds = null)
{
    public static ReviewTime Of(IReadOnlyCollection<double> seconds)
    {
        if (seconds.Count == 0)
        {
            return new ReviewTime(null, 0);
        }

        var sorted = seconds.Order().ToArray();
        return new ReviewTime(sorted.Average(), sorted.Length, NearestRank(sorted, 0.5), NearestRank(sorted, 0.9));
    }

    /// <summary>The nearest-rank percentile: the smallest value at least <paramref name="share"/> of the values do not exceed.</summary>
    public static double NearestRank(double[] sorted, double share) =>
        sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Length) - 1)];
}

public sealed record ReviewCounts(long Reviews, long Approved, long Edited, long Rejected, long CorrectionsAccepted, long CorrectionsRejected);
