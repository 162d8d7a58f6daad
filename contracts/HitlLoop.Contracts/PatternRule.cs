namespace HitlLoop.Contracts;

/// <summary>A rule in the form: when ..., instead of ..., do ..., because ....</summary>
public sealed record PatternRule
{
    public required string When { get; init; }
    public required string InsteadOf { get; init; }
    public required string Do { get; init; }
    public required string Reason { get; init; }
}
