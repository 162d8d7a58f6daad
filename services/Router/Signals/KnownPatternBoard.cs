using System.Collections.Immutable;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>Each product's known mistakes, as PatternLearner announced them.</summary>
public sealed class KnownPatternBoard(IDocumentStoreFactory stores) : SignalBoard<KnownPattern>(stores, "known-patterns")
{
    private readonly Lock _viewLock = new();
    private ImmutableDictionary<string, ImmutableArray<KnownPattern>> _byProduct =
        ImmutableDictionary.Create<string, ImmutableArray<KnownPattern>>(StringComparer.Ordinal);

    /// <summary>The product's patterns (every category), in id order; read on every decision, so kept ready.</summary>
    public IReadOnlyList<KnownPattern> For(string productId) =>
        _byProduct.TryGetValue(productId, out var patterns) ? patterns : [];

    /// <summary>Stores the announcement unless an equal or newer version of the pattern is stored; returns what stands.</summary>
    public async Task<KnownPattern> LearnAsync(KnownPattern announced, CancellationToken cancellationToken)
    {
        var stored = await Documents.UpsertAsync(announced with { PatternVersion = int.MinValue }, held => held.ReplacedBy(announced), cancellationToken);
        Keep(stored);
        return stored;
    }

    /// <summary>Records PatternLearner's measure of how often the pattern's mistake recurs; a pattern not known here is left alone.</summary>
    public async Task<KnownPattern?> MeasuredAsync(PatternRecurrenceMeasured measured, DateTime now, CancellationToken cancellationToken)
    {
        var stored = await Documents.UpdateAsync(measured.PatternId, held => held.Measured(measured, now), cancellationToken);
        if (stored is not null)
        {
            Keep(stored);
        }

        return stored;
    }

    protected override void Changed(KnownPattern signal)
    {
        lock (_viewLock)
        {
            var held = _byProduct.TryGetValue(signal.ProductId, out var patterns) ? patterns : [];
            _byProduct = _byProduct.SetItem(
                signal.ProductId,
                [.. held.Where(p => p.Id != signal.Id).Append(signal).OrderBy(p => p.Id, StringComparer.Ordinal)]);
        }
    }
}
