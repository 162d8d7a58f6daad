namespace HitlLoop.Contracts;

public sealed record DatasetCounts
{
    public int Examples { get; init; }
    public int Train { get; init; }
    public int Eval { get; init; }
    public int PreferencePairs { get; init; }
}
