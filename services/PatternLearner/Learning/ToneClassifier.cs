namespace HitlLoop.PatternLearner.Learning;

public static class Tones
{
    public const string Apologetic = "apologetic";
    public const string Formal = "formal";
    public const string Casual = "casual";
    public const string Neutral = "neutral";
}

/// <summary>
/// A deliberately small, deterministic tone reading from marker words and exclamation marks. It only has to tell
/// whether a reviewer moved a response's register, and it must classify the same text the same way on every
/// replica and redelivery, because stored corrections and rules quote its verdicts.
/// </summary>
public static class ToneClassifier
{
    private const int MarkerWeight = 2;

    // One exclamation mark is emphasis; two or more read as casual.
    private const int MinScore = 2;

    private static readonly HashSet<string> Apologetic =
        ["sorry", "apologize", "apologise", "apologies", "apology", "regret", "regrettably"];

    private static readonly HashSet<string> Formal =
        ["dear", "kindly", "regards", "sincerely", "furthermore", "moreover", "therefore", "hence", "thus",
         "accordingly", "hereby", "regarding", "assist", "shall", "pursuant"];

    private static readonly HashSet<string> Casual =
        ["hey", "hi", "hiya", "yeah", "yep", "yup", "nope", "cool", "awesome", "gonna", "wanna", "gotta", "btw",
         "lol", "ok", "okay", "oops", "thanks", "cheers", "folks"];

    /// <summary>Every word that marks a tone.</summary>
    public static IReadOnlySet<string> AllMarkers { get; } = Apologetic.Concat(Formal).Concat(Casual).ToHashSet(StringComparer.Ordinal);

    /// <summary>The words that mark <paramref name="tone"/>, sorted; none for neutral.</summary>
    public static IReadOnlyList<string> MarkersOf(string tone) => tone switch
    {
        Tones.Apologetic => [.. Apologetic.Order(StringComparer.Ordinal)],
        Tones.Formal => [.. Formal.Order(StringComparer.Ordinal)],
        Tones.Casual => [.. Casual.Order(StringComparer.Ordinal)],
        _ => [],
    };

    public static string Classify(string? text)
    {
        int apologetic = 0, formal = 0, casual = 0;
        foreach (var word in ContentWords.Tokens(text))
        {
            apologetic += Apologetic.Contains(word) ? MarkerWeight : 0;
            formal += Formal.Contains(word) ? MarkerWeight : 0;
            casual += Casual.Contains(word) ? MarkerWeight : 0;
        }

        casual += text?.Count(c => c == '!') ?? 0;

        // Ties go to the first in this order: an apology is the most deliberate register choice a reviewer makes.
        var best = Math.Max(apologetic, Math.Max(formal, casual));
        return best < MinScore ? Tones.Neutral
            : apologetic == best ? Tones.Apologetic
            : formal == best ? Tones.Formal
            : Tones.Casual;
    }
}
