namespace HitlLoop.ServiceDefaults.Security;

/// <summary>
/// The roles a caller's token or API key can carry. They are coarse on purpose: who may do what is decided by
/// <see cref="HitlPolicies"/>, and these are the only names a deployment has to put into its identity provider.
/// </summary>
public static class HitlRoles
{
    /// <summary>Works the review queue: claims, edits, approves, rejects.</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Runs the review team: queue health, metrics, routing policy, patterns, manual retrains.</summary>
    public const string Lead = "lead";

    /// <summary>Everything, including minting development tokens.</summary>
    public const string Admin = "admin";

    /// <summary>A chat product: reads guidance; in the embedded host also posts scored responses over HTTP.</summary>
    public const string Product = "product";

    /// <summary>The ML team: downloads datasets and reads retrain history and model versions.</summary>
    public const string Ml = "ml";

    public static IReadOnlyList<string> All { get; } = [Reviewer, Lead, Admin, Product, Ml];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
