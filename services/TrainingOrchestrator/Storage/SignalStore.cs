using System.Globalization;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>An end user's reaction as the negative-feedback trigger counts it: stored once per feedback id.</summary>
public sealed record ReactionRecord : IDocument
{
    /// <summary>The product's feedback id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }

    /// <summary>"{product}\n{yyyy-MM-dd}": a product's day is counted on it.</summary>
    public required string DayKey { get; init; }

    /// <summary>True for thumbs up or 4–5 stars, false for thumbs down or 1–2, null for a neutral 3.</summary>
    public bool? Positive { get; init; }

    public DateTime SubmittedAt { get; init; }

    public static string DayKeyOf(string productId, DateOnly day) => productId + "\n" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// A signal that set a retrain request off: one per piece of evidence (so a redelivered signal never asks twice), and
/// the latest per trigger and product (for the trigger's cooldown).
/// </summary>
public sealed record TriggerFiring : IDocument
{
    /// <summary>"{reason}\n{product}\n{evidence key}".</summary>
    public required string Id { get; init; }

    public long Version { get; init; }

    /// <summary>"{reason}\n{product}": the scope a cooldown applies to.</summary>
    public required string ScopeKey { get; init; }

    public required string DatasetId { get; init; }
    public DateTime At { get; init; }
}

public interface ISignalStore
{
    /// <summary>Stores the reaction unless its feedback id was stored before; false then.</summary>
    Task<bool> RecordReactionOnceAsync(ReactionRecord reaction, CancellationToken cancellationToken);

    /// <summary>The product's positive and negative reactions on <paramref name="days"/>.</summary>
    Task<(long Positive, long Negative)> CountReactionsAsync(string productId, IEnumerable<DateOnly> days, CancellationToken cancellationToken);

    Task<bool> HasFiredAsync(string firingId, CancellationToken cancellationToken);

    Task<TriggerFiring?> LastFiringAsync(string scopeKey, CancellationToken cancellationToken);

    /// <summary>Records the firing unless one with its id was recorded; false then.</summary>
    Task<bool> RecordFiringAsync(TriggerFiring firing, CancellationToken cancellationToken);
}

internal sealed class SignalStore : ISignalStore, IStoreSetup
{
    private readonly IDocumentCollection<ReactionRecord> _reactions;
    private readonly IDocumentCollection<TriggerFiring> _firings;

    public SignalStore(IDocumentStoreFactory stores)
    {
        var store = stores.ForService(TrainingOrchestratorService.ServiceName);
        _reactions = store.GetCollection<ReactionRecord>("reactions");
        _firings = store.GetCollection<TriggerFiring>("trigger-firings");
    }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _reactions.EnsureIndexAsync(r => r.DayKey, cancellationToken: cancellationToken);
        await _firings.EnsureIndexAsync(f => f.ScopeKey, cancellationToken: cancellationToken);
    }

    public Task<bool> RecordReactionOnceAsync(ReactionRecord reaction, CancellationToken cancellationToken) =>
        _reactions.TryInsertAsync(reaction, cancellationToken);

    public async Task<(long Positive, long Negative)> CountReactionsAsync(string productId, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        long positive = 0, negative = 0;
        foreach (var day in days)
        {
            var key = ReactionRecord.DayKeyOf(productId, day);
            positive += await _reactions.CountAsync(r => r.DayKey == key && r.Positive == true, cancellationToken);
            negative += await _reactions.CountAsync(r => r.DayKey == key && r.Positive == false, cancellationToken);
        }

        return (positive, negative);
    }

    public async Task<bool> HasFiredAsync(string firingId, CancellationToken cancellationToken) =>
        await _firings.FindByIdAsync(firingId, cancellationToken) is not null;

    public async Task<TriggerFiring?> LastFiringAsync(string scopeKey, CancellationToken cancellationToken) =>
        await _firings.FindAsync(f => f.ScopeKey == scopeKey, f => f.At, descending: true, limit: 1, cancellationToken) is [var last, ..] ? last : null;

    public Task<bool> RecordFiringAsync(TriggerFiring firing, CancellationToken cancellationToken) =>
        _firings.TryInsertAsync(firing, cancellationToken);
}
