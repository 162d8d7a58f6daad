using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Feedback.Storage;

/// <summary>When guidance first returned an accepted correction (<see cref="CorrectionFirstServed"/>), one per correction.</summary>
public sealed record CorrectionServed : IDocument
{
    /// <summary>The correction's (golden example's) id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public DateTime AcceptedAt { get; init; }
    public DateTime ServedAt { get; init; }

    /// <summary>From acceptance to first use; never negative, whatever the two services' clocks say.</summary>
    public double Seconds { get; init; }

    public static CorrectionServed From(CorrectionFirstServed served) => new()
    {
        Id = served.CorrectionId,
        ProductId = served.ProductId,
        AcceptedAt = served.AcceptedAt.UtcDateTime,
        ServedAt = served.ServedAt.UtcDateTime,
        Seconds = Math.Max(0, (served.ServedAt - served.AcceptedAt).TotalSeconds),
    };
}
