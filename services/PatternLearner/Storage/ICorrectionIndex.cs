namespace HitlLoop.PatternLearner.Storage;

/// <summary>Accepted corrections, searchable for guidance.</summary>
public interface ICorrectionIndex
{
    /// <summary>Indexes the correction unless it was indexed before; returns the record that stands.</summary>
    Task<CorrectionRecord> RecordOnceAsync(CorrectionRecord correction, CancellationToken cancellationToken);

    Task<CorrectionRecord?> FindAsync(string correctionId, CancellationToken cancellationToken);

    /// <summary>Newest first; only the category's corrections when one is given.</summary>
    Task<IReadOnlyList<CorrectionRecord>> RecentAsync(string productId, string? category, int limit, CancellationToken cancellationToken);
}
