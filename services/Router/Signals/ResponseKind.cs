namespace HitlLoop.Router.Signals;

/// <summary>
/// A kind of response: a product, or a product's category where the product sends one. End users' reactions and
/// calibrated thresholds are kept per kind.
/// </summary>
public static class ResponseKind
{
    /// <summary>The kind's key, length-prefixed so that no two pairs share one whatever the ids hold.</summary>
    public static string KeyOf(string productId, string? category) =>
        category is { Length: > 0 } ? $"{productId.Length}:{productId}/{category}" : $"{productId.Length}:{productId}";

    /// <summary>The category as stored: null for none.</summary>
    public static string? CategoryOf(string? category) => category is { Length: > 0 } ? category : null;
}
