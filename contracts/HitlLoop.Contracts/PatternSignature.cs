namespace HitlLoop.Contracts;

/// <summary>
/// How a response that repeats a pattern's mistake looks, so the Router can recognise one before anyone sees it. Every
/// condition given must hold: longer than <see cref="LongerThan"/>, shorter than <see cref="ShorterThan"/>, and at
/// least <see cref="MinWordHits"/> of <see cref="Words"/> (lower-case words) in the response.
/// </summary>
public sealed record PatternSignature
{
    /// <summary>Characters; set for answers reviewers keep shortening.</summary>
    public int? LongerThan { get; init; }

    /// <summary>Characters; set for answers reviewers keep expanding.</summary>
    public int? ShorterThan { get; init; }

    public IReadOnlyList<string> Words { get; init; } = [];

    /// <summary>How many of <see cref="Words"/> must appear; 0 when the signature has no words.</summary>
    public int MinWordHits { get; init; }
}
