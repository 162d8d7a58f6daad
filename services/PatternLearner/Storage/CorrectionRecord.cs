using HitlLoop.PatternLearner.Learning;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.PatternLearner.Storage;

/// <summary>An accepted correction as PatternLearner indexed it: what was asked, what changed, and what kind of change.</summary>
public sealed record CorrectionRecord : IDocument
{
    /// <summary>The golden example id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }

    /// <summary>Lower-cased; null when the product sent none.</summary>
    public string? Category { get; init; }

    public string Query { get; init; } = "";
    public string OriginalText { get; init; } = "";
    public required string CorrectedText { get; init; }
    public IReadOnlyList<CorrectionIssue> Issues { get; init; } = [];
    public string ResponseId { get; init; } = "";
    public string ReviewerId { get; init; } = "";
    public DateTime AcceptedAt { get; init; }
    public DateTime RecordedAt { get; init; }

    /// <summary>
    /// The correction's sentence embedding (384 little-endian floats), computed once by the replica that records it,
    /// so the other replicas' search indexes need not compute it again.
    /// </summary>
    public byte[]? Embedding { get; init; }

    /// <summary>The patterns whose rule had shipped before this correction, and whose mistake it repeated.</summary>
    public IReadOnlyList<string> RepeatedPatternIds { get; init; } = [];

    /// <summary>"{product}\n{accepted day}": the product's corrections are counted per day on it.</summary>
    public string DayKey { get; init; } = "";

    /// <summary>The <see cref="DayKey"/> when the correction repeated a shipped rule's mistake, else null.</summary>
    public string? RepeatDayKey { get; init; }

    /// <summary>When guidance first returned this correction; null until then.</summary>
    public DateTime? FirstServedAt { get; init; }

    public static string DayKeyOf(string id, DateOnly day) => id + "\n" + day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
