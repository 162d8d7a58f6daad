using System.Linq.Expressions;
using HitlLoop.Contracts;
using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Exports;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

internal sealed class FeedbackStore : IFeedbackStore, IStoreSetup
{
    /// <summary>The most golden examples accepted at one instant that paging reads together.</summary>
    private const int MaxTiedExamples = 10_000;

    /// <summary>The most products whose review-rate days a window adds up.</summary>
    private const int MaxProducts = 10_000;

    private readonly IDocumentCollection<ReviewRecord> _reviews;
    private readonly IDocumentCollection<GoldenExample> _golden;
    private readonly IDocumentCollection<GoldenContentKey> _goldenKeys;
    private readonly IDocumentCollection<ReviewerStats> _reviewers;
    private readonly IDocumentCollection<UserFeedbackRecord> _userFeedback;
    private readonly IDocumentCollection<RepeatedMistake> _repeats;
    private readonly IDocumentCollection<ReviewedItem> _items;
    private readonly IDocumentCollection<PeerComparison> _comparisons;
    private readonly IDocumentCollection<ReviewRateDay> _reviewRates;
    private readonly IDocumentCollection<CorrectionServed> _served;

    public FeedbackStore(IDocumentStoreFactory stores)
    {
        var store = stores.ForService(FeedbackService.ServiceName);
        _reviews = store.GetCollection<ReviewRecord>("reviews");
        _golden = store.GetCollection<GoldenExample>("golden-examples");
        _goldenKeys = store.GetCollection<GoldenContentKey>("golden-content-keys");
        _reviewers = store.GetCollection<ReviewerStats>("reviewers");
        _userFeedback = store.GetCollection<UserFeedbackRecord>("user-feedback");
        _repeats = store.GetCollection<RepeatedMistake>("repeated-mistakes");
        _items = store.GetCollection<ReviewedItem>("reviewed-items");
        _comparisons = store.GetCollection<PeerComparison>("peer-comparisons");
        _reviewRates = store.GetCollection<ReviewRateDay>("review-rates");
        _served = store.GetCollection<CorrectionServed>("corrections-served");
        Alerts = store.GetCollection<AlertStatus>("alerts");
    }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _reviews.EnsureIndexAsync(r => r.ProductId, cancellationToken: cancellationToken);
        await _reviews.EnsureIndexAsync(r => r.ReviewerId, cancellationToken: cancellationToken);
        await _reviews.EnsureIndexAsync(r => r.CompletedAt, cancellationToken: cancellationToken);
        await _golden.EnsureIndexAsync(g => g.ProductId, cancellationToken: cancellationToken);
        await _golden.EnsureIndexAsync(g => g.AcceptedAt, cancellationToken: cancellationToken);
        await _userFeedback.EnsureIndexAsync(f => f.ProductId, cancellationToken: cancellationToken);
        await _repeats.EnsureIndexAsync(m => m.ProductId, cancellationToken: cancellationToken);
        await _reviews.EnsureIndexAsync(r => r.ResponseId, cancellationToken: cancellationToken);
        await _items.EnsureIndexAsync(i => i.CompletedAt, cancellationToken: cancellationToken);
        await _items.EnsureIndexAsync(i => i.ProductId, cancellationToken: cancellationToken);
        await _comparisons.EnsureIndexAsync(c => c.ReviewerId, cancellationToken: cancellationToken);
        await _items.EnsureIndexAsync(i => i.Status, cancellationToken: cancellationToken);
        await _items.EnsureIndexAsync(i => i.OutboxPending, cancellationToken: cancellationToken);
        await _userFeedback.EnsureIndexAsync(f => f.SubmittedAt, cancellationToken: cancellationToken);
        await _repeats.EnsureIndexAsync(m => m.Day, cancellationToken: cancellationToken);
        await _reviewRates.EnsureIndexAsync(d => d.Day, cancellationToken: cancellationToken);
        await _served.EnsureIndexAsync(c => c.ServedAt, cancellationToken: cancellationToken);
        await Alerts.EnsureIndexAsync(a => a.OutboxPending, cancellationToken: cancellationToken);
    }

    public Task<ReviewRecord?> FindReviewAsync(string reviewId, CancellationToken cancellationToken) =>
        _reviews.FindByIdAsync(reviewId, cancellationToken);

    public Task<ReviewRecord> RecordReviewOnceAsync(ReviewRecord review, CancellationToken cancellationToken) =>
        _reviews.InsertOnceAsync(review, cancellationToken);

    /// <summary>
    /// The content key is claimed first: the first example to claim it is the original, any later one is stored as its
    /// duplicate. A redelivery finds the key its own, so a crash between the two writes changes nothing.
    /// </summary>
    public async Task<GoldenExample> AddGoldenExampleOnceAsync(GoldenExample example, CancellationToken cancellationToken)
    {
        var key = GoldenExample.ContentKeyOf(example);
        var first = await _goldenKeys.InsertOnceAsync(new GoldenContentKey { Id = key, ExampleId = example.Id }, cancellationToken);
        return await _golden.InsertOnceAsync(
            example with { ContentKey = key, DuplicateOf = first.ExampleId == example.Id ? null : first.ExampleId }, cancellationToken);
    }

    public Task<GoldenExample?> FindGoldenExampleAsync(string id, CancellationToken cancellationToken) =>
        _golden.FindByIdAsync(id, cancellationToken);

    public Task<IReadOnlyList<GoldenExample>> LatestGoldenExamplesAsync(string? productId, int limit, CancellationToken cancellationToken) =>
        productId is null
            ? _golden.FindAsync(g => true, g => g.AcceptedAt, descending: true, limit, cancellationToken)
            : _golden.FindAsync(g => g.ProductId == productId, g => g.AcceptedAt, descending: true, limit, cancellationToken);

    public async Task<IReadOnlyList<GoldenExample>> GoldenPageAsync(
        DateTime? from, DateTime? to, bool newestFirst, GoldenCursor? after, int limit, CancellationToken cancellationToken)
    {
        // Only the acceptance time narrows the read: the embedded store uses one index a query, and one on the product
        // would leave it sorting the product's every example for each page.
        Expression<Func<GoldenExample, bool>>? scope = null;
        if (from is { } lowest)
        {
            scope = Filters.And(scope, g => g.AcceptedAt >= lowest);
        }

        if (to is { } beyondHighest)
        {
            scope = Filters.And(scope, g => g.AcceptedAt < beyondHighest);
        }

        // Keyset paging on (acceptance time, id). The store orders by time alone, so each time's examples are read
        // whole (there are few per instant) and put in id order here.
        var page = new List<GoldenExample>(limit);
        Expression<Func<GoldenExample, bool>>? beyond = null;
        if (after is not null)
        {
            var at = after.AcceptedAt;
            page.AddRange(InKeyOrder((await TiedAsync(at)).Where(g => after.Precedes(g, newestFirst)), newestFirst).Take(limit));
            beyond = newestFirst ? g => g.AcceptedAt < at : g => g.AcceptedAt > at;
        }

        var wanted = limit - page.Count;
        if (wanted <= 0)
        {
            return page;
        }

        var next = await _golden.FindAsync(Filters.And(scope, beyond ?? (g => true)), g => g.AcceptedAt, newestFirst, wanted, cancellationToken);
        if (next.Count == wanted)
        {
            // The last instant may hold more examples than fit: the page takes them whole, in id order, as far as it can.
            var last = next[^1].AcceptedAt;
            next = [.. next.Where(g => g.AcceptedAt != last), .. await TiedAsync(last)];
        }

        page.AddRange(InKeyOrder(next, newestFirst).Take(wanted));
        return page;

        async Task<IReadOnlyList<GoldenExample>> TiedAsync(DateTime at) =>
            await _golden.FindAsync(Filters.And(scope, g => g.AcceptedAt == at), MaxTiedExamples, cancellationToken);
    }

    private static IEnumerable<GoldenExample> InKeyOrder(IEnumerable<GoldenExample> examples, bool newestFirst) =>
        newestFirst
            ? examples.OrderByDescending(g => g.AcceptedAt).ThenByDescending(g => g.Id, StringComparer.Ordinal)
            : examples.OrderBy(g => g.AcceptedAt).ThenBy(g => g.Id, StringComparer.Ordinal);

    public Task<ReviewerStats?> FindReviewerAsync(string reviewerId, CancellationToken cancellationToken) =>
        _reviewers.FindByIdAsync(reviewerId, cancellationToken);

    public Task<IReadOnlyList<ReviewerStats>> ReviewersAsync(CancellationToken cancellationToken) =>
        _reviewers.FindAsync(s => true, s => s.Id, cancellationToken: cancellationToken);

    public async Task<ReviewerStats> RefreshReviewerAsync(string reviewerId, DateTime reviewedAt, CancellationToken cancellationToken)
    {
        // Counted from the stored reviews rather than incremented, so a redelivery or a crash between the review
        // write and this one can neither double nor lose a count.
        var completed = await _reviews.CountAsync(r => r.ReviewerId == reviewerId, cancellationToken);
        return await _reviewers.UpsertAsync(
            new ReviewerStats { Id = reviewerId },
            current => current.ReviewsCompleted >= completed && current.LastReviewAt >= reviewedAt
                ? null
                : current with
                {
                    Version = current.Version + 1,
                    ReviewsCompleted = Math.Max(current.ReviewsCompleted, completed),
                    LastReviewAt = current.LastReviewAt > reviewedAt ? current.LastReviewAt : reviewedAt,
                },
            cancellationToken);
    }

    public Task<ReviewCounts> CountReviewsAsync(string? productId, CancellationToken cancellationToken) =>
        CountReviewsAsync(ProductScope(productId), cancellationToken);

    public Task<ReviewCounts> CountReviewsAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken) =>
        CountReviewsAsync(Filters.And(ProductScope(productId), r => r.CompletedAt >= from && r.CompletedAt < to), cancellationToken);

    private async Task<ReviewCounts> CountReviewsAsync(Expression<Func<ReviewRecord, bool>>? scope, CancellationToken cancellationToken)
    {
        return new ReviewCounts(
            Reviews: await _reviews.CountAsync(scope ?? (r => true), cancellationToken),
            Approved: await Count(scope, r => r.Verdict == ReviewVerdict.Approved),
            Edited: await Count(scope, r => r.Verdict == ReviewVerdict.Edited),
            Rejected: await Count(scope, r => r.Verdict == ReviewVerdict.Rejected),
            CorrectionsAccepted: await Count(scope, r => r.Outcome == CorrectionOutcome.Accepted),
            CorrectionsRejected: await Count(scope, r => r.Outcome == CorrectionOutcome.Rejected));

        Task<long> Count(Expression<Func<ReviewRecord, bool>>? scope, Expression<Func<ReviewRecord, bool>> filter) =>
            _reviews.CountAsync(Filters.And(scope, filter), cancellationToken);
    }

    public async Task<ReviewTime> ReviewTimeAsync(string? productId, int window, CancellationToken cancellationToken)
    {
        var latest = await _reviews.FindAsync(
            ProductScope(productId) ?? (r => true),
            r => r.CompletedAt,
            descending: true,
            limit: window,
            cancellationToken);
        return ReviewTime.Of([.. latest.Select(r => r.ReviewDurationSeconds)]);
    }

    public async Task<ReviewTime> ReviewTimeAsync(string? productId, DateTime from, DateTime to, int limit, CancellationToken cancellationToken)
    {
        var reviews = await _reviews.FindAsync(
            Filters.And(ProductScope(productId), r => r.CompletedAt >= from && r.CompletedAt < to),
            r => r.CompletedAt,
            descending: true,
            limit: limit,
            cancellationToken);
        return ReviewTime.Of([.. reviews.Select(r => r.ReviewDurationSeconds)]);
    }

    public async Task<UserFeedbackCounts> CountUserFeedbackAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        Expression<Func<UserFeedbackRecord, bool>> during = f => f.SubmittedAt >= from && f.SubmittedAt < to;
        var scope = productId is null ? during : Filters.And(during, f => f.ProductId == productId);
        return new UserFeedbackCounts(
            Total: await _userFeedback.CountAsync(scope, cancellationToken),
            Positive: await _userFeedback.CountAsync(Filters.And(scope, f => f.Positive == true), cancellationToken),
            Negative: await _userFeedback.CountAsync(Filters.And(scope, f => f.Positive == false), cancellationToken));
    }

    public Task<long> CountRepeatedMistakesAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        Expression<Func<RepeatedMistake, bool>> days = m => m.Day >= from && m.Day < to;
        return _repeats.CountAsync(productId is null ? days : Filters.And(days, m => m.ProductId == productId), cancellationToken);
    }

    public Task RecordReviewRateAsync(ReviewRateDay day, CancellationToken cancellationToken) =>
        _reviewRates.UpsertAsync(day, stored => day.Supersedes(stored) ? day with { Version = stored.Version + 1 } : null, cancellationToken);

    public async Task<ReviewRateCounts> ReviewRateAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        Expression<Func<ReviewRateDay, bool>> days = d => d.Day >= from && d.Day < to;
        var counted = await _reviewRates.FindAsync(
            productId is null ? days : Filters.And(days, d => d.ProductId == productId), limit: MaxProducts * UtcDays.Max, cancellationToken);
        return ReviewRateCounts.Of(counted);
    }

    public Task RecordCorrectionServedOnceAsync(CorrectionServed served, CancellationToken cancellationToken) =>
        _served.InsertOnceAsync(served, cancellationToken);

    public async Task<IReadOnlyList<double>> SecondsToFirstUseAsync(string? productId, DateTime from, DateTime to, int limit, CancellationToken cancellationToken)
    {
        Expression<Func<CorrectionServed, bool>> during = c => c.ServedAt >= from && c.ServedAt < to;
        var served = await _served.FindAsync(
            productId is null ? during : Filters.And(during, c => c.ProductId == productId), c => c.ServedAt, descending: true, limit, cancellationToken);
        return [.. served.Select(c => c.Seconds)];
    }

    public Task<UserFeedbackRecord> RecordUserFeedbackOnceAsync(UserFeedbackRecord feedback, CancellationToken cancellationToken) =>
        _userFeedback.InsertOnceAsync(feedback, cancellationToken);

    public async Task<UserFeedbackCounts> CountUserFeedbackAsync(string? productId, CancellationToken cancellationToken)
    {
        Expression<Func<UserFeedbackRecord, bool>>? scope = productId is null ? null : f => f.ProductId == productId;
        return new UserFeedbackCounts(
            Total: await _userFeedback.CountAsync(scope ?? (f => true), cancellationToken),
            Positive: await _userFeedback.CountAsync(Filters.And(scope, f => f.Positive == true), cancellationToken),
            Negative: await _userFeedback.CountAsync(Filters.And(scope, f => f.Positive == false), cancellationToken));
    }

    public Task<IReadOnlyList<ReviewRecord>> ReviewsOfResponseAsync(string responseId, int limit, CancellationToken cancellationToken) =>
        _reviews.FindAsync(r => r.ResponseId == responseId, r => r.CompletedAt, limit: limit, cancellationToken: cancellationToken);

    public IDocumentCollection<ReviewedItem> ReviewedItems => _items;

    public IDocumentCollection<AlertStatus> Alerts { get; }

    public Task<ReviewedItem?> FindReviewedItemAsync(string responseId, CancellationToken cancellationToken) =>
        _items.FindByIdAsync(responseId, cancellationToken);

    public Task<ReviewedItem?> ChangeReviewedItemAsync(string responseId, Func<ReviewedItem, ReviewedItem?> change, CancellationToken cancellationToken) =>
        _items.UpdateAsync(responseId, change, cancellationToken);

    public Task<IReadOnlyList<ReviewedItem>> DisputedItemsAsync(string? productId, int limit, CancellationToken cancellationToken) =>
        productId is null
            ? _items.FindAsync(i => i.Status == ConsensusStatus.Disputed, i => i.CompletedAt, limit: limit, cancellationToken: cancellationToken)
            : _items.FindAsync(i => i.Status == ConsensusStatus.Disputed && i.ProductId == productId, i => i.CompletedAt, limit: limit, cancellationToken: cancellationToken);

    public Task<ReviewRecord?> MarkCorrectionAcceptedAsync(string reviewId, string goldenExampleId, CancellationToken cancellationToken) =>
        _reviews.UpdateAsync(
            reviewId,
            r => r.Outcome == CorrectionOutcome.Accepted ? null : r with { Outcome = CorrectionOutcome.Accepted, GoldenExampleId = goldenExampleId, Version = r.Version + 1 },
            cancellationToken);

    public Task<ReviewedItem> RecordReviewedItemOnceAsync(ReviewedItem item, CancellationToken cancellationToken) =>
        _items.InsertOnceAsync(item, cancellationToken);

    public async Task RecordComparisonsAsync(IReadOnlyList<PeerComparison> comparisons, CancellationToken cancellationToken) =>
        await _comparisons.InsertManyOnceAsync(comparisons, cancellationToken);

    public async Task<PeerCounts> CountComparisonsAsync(string reviewerId, CancellationToken cancellationToken) => new(
        Items: await _comparisons.CountAsync(c => c.ReviewerId == reviewerId && c.FirstPeer, cancellationToken),
        Pairs: await _comparisons.CountAsync(c => c.ReviewerId == reviewerId, cancellationToken),
        Agreed: await _comparisons.CountAsync(c => c.ReviewerId == reviewerId && c.Agreed, cancellationToken));

    public Task<ReviewerStats> RecordAgreementAsync(string reviewerId, PeerCounts counts, DateTime measuredAt, CancellationToken cancellationToken) =>
        // Counted from the stored comparisons, which only grow: counts below the stored ones in any way are stale (or
        // were taken while another item's comparisons went in) and change nothing.
        _reviewers.UpsertAsync(
            new ReviewerStats { Id = reviewerId },
            current => counts.Pairs < current.PairsCompared || counts.Items < current.ItemsCompared || counts.Agreed < current.PairsAgreed
                       || counts == new PeerCounts(current.ItemsCompared, current.PairsCompared, current.PairsAgreed)
                ? null
                : current with
                {
                    Version = current.Version + 1,
                    ItemsCompared = counts.Items,
                    PairsCompared = counts.Pairs,
                    PairsAgreed = counts.Agreed,
                    AgreementRate = counts.Agreement,
                    AgreementMeasuredAt = measuredAt,
                },
            cancellationToken);

    public Task<IReadOnlyList<ReviewedItem>> ReviewedItemsAsync(string? productId, DateTime from, DateTime to, int limit, CancellationToken cancellationToken) =>
        productId is null
            ? _items.FindAsync(i => i.CompletedAt >= from && i.CompletedAt < to, i => i.CompletedAt, descending: true, limit, cancellationToken)
            : _items.FindAsync(i => i.ProductId == productId && i.CompletedAt >= from && i.CompletedAt < to, i => i.CompletedAt, descending: true, limit, cancellationToken);

    public Task RecordRepeatedMistakeOnceAsync(RepeatedMistake repeat, CancellationToken cancellationToken) =>
        _repeats.InsertOnceAsync(repeat, cancellationToken);

    private static Expression<Func<ReviewRecord, bool>>? ProductScope(string? productId) =>
        productId is null ? null : r => r.ProductId == productId;
}
