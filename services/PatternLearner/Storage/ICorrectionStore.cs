using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.PatternLearner.Storage;

/// <summary>Accepted corrections as PatternLearner analysed them: the record the search index is built from.</summary>
public interface ICorrectionStore
{
    /// <summary>Stores the correction unless it was stored before; returns the record that stands.</summary>
    Task<CorrectionRecord> RecordOnceAsync(CorrectionRecord correction, CancellationToken cancellationToken);

    Task<CorrectionRecord?> FindAsync(string correctionId, CancellationToken cancellationToken);

    /// <summary>Corrections recorded at or after <paramref name="from"/>, in order of recording: what a search index reads on from.</summary>
    Task<IReadOnlyList<CorrectionRecord>> RecordedSinceAsync(DateTime from, int limit, CancellationToken cancellationToken);

    /// <summary>The product's corrections on each of <paramref name="days"/>, and how many of them repeated a shipped rule's mistake.</summary>
    Task<(long Corrections, long Repeats)> CountAsync(string productId, IEnumerable<DateOnly> days, CancellationToken cancellationToken);

    /// <summary>Guidance's first uses of corrections, for their outbox.</summary>
    IDocumentCollection<CorrectionFirstUse> FirstUses { get; }

    /// <summary>Stores the first use unless one was stored for the correction; returns the one that stands.</summary>
    Task<CorrectionFirstUse> RecordFirstUseOnceAsync(CorrectionFirstUse firstUse, CancellationToken cancellationToken);

    /// <summary>Marks the correction as served, so guidance no longer writes its first use.</summary>
    Task MarkServedAsync(string correctionId, DateTime servedAt, CancellationToken cancellationToken);
}
