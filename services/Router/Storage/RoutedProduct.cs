using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

/// <summary>
/// A product the Router has decided for, registered before its first decision is stored: the stats of every product
/// together add up each product's counts on the stats index, so no second index over the decisions is needed.
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
