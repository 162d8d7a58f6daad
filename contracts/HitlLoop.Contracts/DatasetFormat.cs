namespace HitlLoop.Contracts;

/// <summary>One downloadable rendering of a dataset snapshot, e.g. format "sft-jsonl".</summary>
public sealed record DatasetFormat
{
    public required string Format { get; init; }
    public required Uri Url { get; init; }
    public string? Split { get; init; }
}
