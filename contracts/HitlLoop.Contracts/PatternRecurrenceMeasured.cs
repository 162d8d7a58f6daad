namespace HitlLoop.Contracts;

/// <summary>
/// A correction repeated a mistake whose rule had already shipped (<see cref="PatternLearned"/>): PatternLearner's
/// same-mistake figures for the pattern and its product, over the last <see cref="WindowDays"/> days up to
/// <see cref="Day"/>. Published for each repeat, so consumers keep the latest and need nobody's database.
/// </summary>
public sealed record PatternRecurrenceMeasured
{
    public required string PatternId { get; init; }
    public required string PatternType { get; init; }
    public required string ProductId { get; init; }
    public string? Category { get; init; }

    /// <summary>The rule version in force when the mistake recurred.</summary>
    public int RuleVersion { get; init; }

    /// <summary>The correction that repeated the mistake.</summary>
    public required string CorrectionId { get; init; }

    /// <summary>The UTC day the repeating correction was accepted on; the window ends with it.</summary>
    public DateOnly Day { get; init; }

    public int WindowDays { get; init; }

    /// <summary>Corrections in the window that repeated this pattern's mistake after its rule shipped.</summary>
    public long Repeats { get; init; }

    /// <summary>Corrections in the window that repeated any of the product's shipped rules.</summary>
    public long ProductRepeats { get; init; }

    /// <summary>All the product's corrections in the window.</summary>
    public long ProductCorrections { get; init; }

    /// <summary>ProductRepeats / ProductCorrections: the share of corrections that were a mistake already ruled on.</summary>
    public double SameMistakeRate { get; init; }

    /// <summary>False once the rule's mistakes keep recurring (PatternLearner:Recurrence:NotWorkingRepeats in the window).</summary>
    public bool Working { get; init; }

    public DateTimeOffset MeasuredAt { get; init; }
}
