namespace HitlLoop.Contracts;

/// <summary>The customer account behind the conversation.</summary>
public sealed record AccountAttributes
{
    public string? AccountId { get; init; }
    public string? Tier { get; init; }

    /// <summary>Annual account value in the product's currency; drives the high-value trigger.</summary>
    public decimal? Value { get; init; }
}
