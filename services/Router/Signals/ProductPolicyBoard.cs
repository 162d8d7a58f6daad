using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>The policies admins set over HTTP, by product.</summary>
public sealed class ProductPolicyBoard(IDocumentStoreFactory stores) : SignalBoard<ProductPolicy>(stores, "policies")
{
    public ProductPolicy? For(string productId) => Find(productId);

    /// <summary>Reads the stored policy itself, not this replica's copy: what an admin edits must be current.</summary>
    public Task<ProductPolicy?> ReadAsync(string productId, CancellationToken cancellationToken) =>
        Documents.FindByIdAsync(productId, cancellationToken);

    /// <summary>Stores <paramref name="settings"/> as the product's next policy version; returns it.</summary>
    public async Task<ProductPolicy> SetAsync(string productId, ProductPolicyOptions settings, string by, DateTime at, CancellationToken cancellationToken)
    {
        var stored = await Documents.UpsertAsync(ProductPolicy.Unset(productId), p => p.Next(settings, by, at), cancellationToken);
        Keep(stored);
        return stored;
    }
}
