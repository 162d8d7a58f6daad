using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>Calibrated confidence thresholds by kind of response.</summary>
public sealed class CalibrationBoard(IDocumentStoreFactory stores) : SignalBoard<ThresholdCalibration>(stores, "thresholds")
{
    public override async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await Documents.EnsureIndexAsync(c => c.ProductId, cancellationToken: cancellationToken);
        await base.SetUpAsync(cancellationToken);
    }

    /// <summary>The calibration for the response's category, else for its product; null until reviews moved one.</summary>
    public ThresholdCalibration? For(string productId, string? category) =>
        (category is { Length: > 0 } ? Find(ResponseKind.KeyOf(productId, category)) : null)
        ?? Find(ResponseKind.KeyOf(productId, null));

    /// <summary>Counts one first review of a decided response; returns the calibration as stored.</summary>
    public async Task<ThresholdCalibration> RecordAsync(
        ThresholdCalibration seed, Func<ThresholdCalibration, ThresholdCalibration?> count, CancellationToken cancellationToken)
    {
        var stored = await Documents.UpsertAsync(seed, count, cancellationToken);
        Keep(stored);
        return stored;
    }

    /// <summary>A product's calibrations, one per category it sends (and one for responses without).</summary>
    public Task<IReadOnlyList<ThresholdCalibration>> ListAsync(string productId, CancellationToken cancellationToken) =>
        Documents.FindAsync(c => c.ProductId == productId, c => c.Id, limit: 1_000, cancellationToken: cancellationToken);
}
