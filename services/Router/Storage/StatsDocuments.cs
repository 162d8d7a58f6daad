using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

/// <summary>
/// A product the Router has decided for, registered before its first decision is stored: the stats of every product
/// together add up each registered product's counts.
/// </summary>
public sealed record RoutedProduct : IDocument
{
    /// <summary>The product id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public DateTime RegisteredAt { get; init; }
}

/// <summary>A one-off step of the Router's store set-up that is done, so it does not run again.</summary>
public sealed record SetupStep : IDocument
{
    public required string Id { get; init; }

    public long Version { get; init; }
    public DateTime DoneAt { get; init; }
}

/// <summary>
/// A product's decisions on the UTC days before <see cref="Until"/>, days that are over: its whole-history stats add
/// only the days since, so they read one document and a day or two of counts however long its history.
/// </summary>
public sealed record ProductTally : IDocument
{
    /// <summary>The product id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }

    /// <summary>The first UTC day not counted in; every day before it is.</summary>
    public DateTime Until { get; init; }

    public long Total { get; init; }
    public long AutoApproved { get; init; }
    public long ReviewRequested { get; init; }
    public long Audits { get; init; }
    public long BudgetSkipped { get; init; }

    public DecisionStats Stats => new(Total, AutoApproved, ReviewRequested, Audits, BudgetSkipped);

    public static ProductTally Of(string productId, DateTime until, DecisionStats stats, long version) => new()
    {
        Id = productId,
        Version = version,
        Until = until,
        Total = stats.Total,
        AutoApproved = stats.AutoApproved,
        ReviewRequested = stats.ReviewRequested,
        Audits = stats.Audits,
        BudgetSkipped = stats.BudgetSkipped,
    };
}
