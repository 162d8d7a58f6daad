namespace HitlLoop.Contracts;

/// <summary>
/// Router's count of a product's routing decisions on one UTC day so far: how many responses it saw and how many it
/// sent to a human. Published every few seconds while the product's responses arrive (and once more after the day
/// ends), each figure replacing the last, so consumers keep the latest per product and day and need nobody's database.
/// </summary>
public sealed record ReviewRateMeasured
{
    public required string ProductId { get; init; }

    /// <summary>The UTC day the counts are of.</summary>
    public DateOnly Day { get; init; }

    /// <summary>Every response decided on the day.</summary>
    public long Responses { get; init; }

    /// <summary>Responses sent to review by a trigger.</summary>
    public long ReviewRequested { get; init; }

    /// <summary>Responses sent to review as a random audit sample.</summary>
    public long Audits { get; init; }

    /// <summary>Responses a trigger would have sent to review but the product's budget auto-approved.</summary>
    public long BudgetSkipped { get; init; }

    /// <summary>(ReviewRequested + Audits) / Responses: the share a human looks at; the seeds' target is below 10%.</summary>
    public double ReviewRate { get; init; }

    public DateTimeOffset MeasuredAt { get; init; }
}
