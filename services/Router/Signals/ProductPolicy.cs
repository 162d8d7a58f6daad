namespace HitlLoop.Router.Signals;

/// <summary>
/// A product's routing policy as an admin set it over HTTP: it takes the place of the product's entry in
/// configuration. Each change is a new <see cref="PolicyVersion"/>, and the versions before it are kept
/// (the latest <see cref="HistoryKept"/>), so every decision's policy version can be looked up.
/// </summary>
public sealed record ProductPolicy : ISignal
{
    public const int HistoryKept = 100;

    /// <summary>The product id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public int PolicyVersion { get; init; }
    public required ProductPolicyOptions Settings { get; init; }
    public required string UpdatedBy { get; init; }
    public DateTime UpdatedAt { get; init; }

    /// <summary>Earlier versions, oldest first.</summary>
    public IReadOnlyList<ProductPolicyVersion> History { get; init; } = [];

    /// <summary>The latest candidate policy run beside this one on live traffic, never acting; null before the first.</summary>
    public ProductPolicyOptions? Shadow { get; init; }

    /// <summary>When the latest candidate was stopped; null while it runs.</summary>
    public DateTime? ShadowStoppedAt { get; init; }

    public bool ShadowRunning => Shadow is not null && ShadowStoppedAt is null;

    /// <summary>Each candidate started is a new shadow version, with a report of its own.</summary>
    public int ShadowVersion { get; init; }

    public DateTime? ShadowSince { get; init; }

    /// <summary>What decisions record as the shadow's version, and the key of its report.</summary>
    public string ShadowLabel => $"{Id}@shadow{ShadowVersion}";

    /// <summary>What decisions made under this policy record as their policy version.</summary>
    public string Label => $"{Id}@v{PolicyVersion}";

    public static ProductPolicy Unset(string productId) =>
        new() { Id = productId, Settings = new ProductPolicyOptions(), UpdatedBy = "", PolicyVersion = 0 };

    /// <summary>The next version, the current one moved to the history (unless this is the first).</summary>
    public ProductPolicy Next(ProductPolicyOptions settings, string by, DateTime at) => this with
    {
        Version = Version + 1,
        PolicyVersion = PolicyVersion + 1,
        Settings = settings,
        UpdatedBy = by,
        UpdatedAt = at > UpdatedAt ? at : UpdatedAt,
        History = PolicyVersion == 0 ? History : [.. History.Append(new ProductPolicyVersion(PolicyVersion, Settings, UpdatedBy, UpdatedAt)).TakeLast(HistoryKept)],
    };
}

public static class ProductPolicyShadows
{
    /// <summary>Starts <paramref name="candidate"/> as the next shadow version.</summary>
    public static ProductPolicy WithShadow(this ProductPolicy policy, ProductPolicyOptions candidate, DateTime at) => policy with
    {
        Version = policy.Version + 1,
        Shadow = candidate,
        ShadowVersion = policy.ShadowVersion + 1,
        ShadowSince = at,
        ShadowStoppedAt = null,
        UpdatedAt = at > policy.UpdatedAt ? at : policy.UpdatedAt,
    };

    /// <summary>Stops the shadow; its report stays readable under its version.</summary>
    public static ProductPolicy? WithoutShadow(this ProductPolicy policy, DateTime at) =>
        !policy.ShadowRunning ? null : policy with { Version = policy.Version + 1, ShadowStoppedAt = at, UpdatedAt = at > policy.UpdatedAt ? at : policy.UpdatedAt };
}

public sealed record ProductPolicyVersion(int PolicyVersion, ProductPolicyOptions Settings, string UpdatedBy, DateTime UpdatedAt);
