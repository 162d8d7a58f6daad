using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>The policies admins set over HTTP, by product.</summary>
public sealed class ProductPolicyBoard(IDocumentStoreFactory stores) : SignalBoard<ProductPolicy>(stores, "policies")
{
    private readonly IDocumentCollection<ShadowTally> _tallies =
        stores.ForService(RouterService.ServiceName).GetCollection<ShadowTally>("shadow-reports");

    public ProductPolicy? For(string productId) => Find(productId);

    /// <summary>Reads the stored policy itself, not this replica's copy: what an admin edits must be current.</summary>
    public Task<ProductPolicy?> ReadAsync(string productId, CancellationToken cancellationToken) =>
        Documents.FindByIdAsync(productId, cancellationToken);

    /// <summary>Starts a candidate beside the live policy, with an empty report; returns the policy.</summary>
    public async Task<ProductPolicy> StartShadowAsync(string productId, ProductPolicyOptions candidate, DateTime at, CancellationToken cancellationToken)
    {
        var stored = await Documents.UpsertAsync(ProductPolicy.Unset(productId), p => p.WithShadow(candidate, at), cancellationToken);
        await _tallies.TryInsertAsync(new ShadowTally { Id = stored.ShadowLabel, ProductId = productId }, cancellationToken);
        Keep(stored);
        return stored;
    }

    public async Task<ProductPolicy?> StopShadowAsync(string productId, DateTime at, CancellationToken cancellationToken)
    {
        var stored = await Documents.UpdateAsync(productId, p => p.WithoutShadow(at), cancellationToken);
        if (stored is not null)
        {
            Keep(stored);
        }

        return stored;
    }

    public Task<ShadowTally?> ReportAsync(string shadowLabel, CancellationToken cancellationToken) => _tallies.FindByIdAsync(shadowLabel, cancellationToken);

    /// <summary>Adds one decision, or one first verdict, to a shadow's report, in one atomic step.</summary>
    public Task CountAsync(string shadowLabel, DocumentUpdate<ShadowTally> counts, CancellationToken cancellationToken) =>
        _tallies.FindOneAndUpdateAsync(t => t.Id == shadowLabel, t => t.Id, counts, cancellationToken: cancellationToken);

    /// <summary>Stores <paramref name="settings"/> as the product's next policy version; returns it.</summary>
    public async Task<ProductPolicy> SetAsync(string productId, ProductPolicyOptions settings, string by, DateTime at, CancellationToken cancellationToken)
    {
        var stored = await Documents.UpsertAsync(ProductPolicy.Unset(productId), p => p.Next(settings, by, at), cancellationToken);
        Keep(stored);
        return stored;
    }
}
