using HitlLoop.PatternLearner.Learning;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.PatternLearner.Storage;

/// <summary>
/// Membership of one correction in one pattern. Its id makes adding a correction to a pattern idempotent, and
/// counting these is the pattern's example count: exact under redelivery, crashes and competing consumers.
/// </summary>
public sealed record PatternExample : IDocument
{
    public required string Id { get; init; }
    public long Version { get; init; }
    public required string PatternId { get; init; }
    public required string CorrectionId { get; init; }
    public required CorrectionIssue Issue { get; init; }
    public DateTime AcceptedAt { get; init; }

    /// <summary>"{pattern}\n{accepted day}" when the correction repeated the pattern's mistake after its rule shipped, else null.</summary>
    public string? RepeatKey { get; init; }

    public static string IdFor(string patternId, string correctionId) => $"{patternId}/{correctionId}";
}
