namespace HitlLoop.Feedback.Corrections;

/// <summary>
/// How alike two texts are, 0 (nothing in common) to 1 (the same): the normalized Levenshtein ratio
/// (max length − edit distance) / max length, over characters, after trimming and collapsing runs of whitespace.
/// </summary>
/// <remarks>
/// Character edits fit the question asked: "did the reviewer change enough to teach the bot something?" A
/// reworded sentence scores low, a fixed typo or a reflowed paragraph scores near 1. Case is kept because a
/// case-only change is a change, though rarely one worth learning, and it scores high anyway. The two-row DP
/// needs memory for one row only, so long responses cost time (n·m) but not n·m memory.
/// </remarks>
public static class TextSimilarity
{
    public static double Ratio(string? first, string? second)
    {
        var a = Normalize(first);
        var b = Normalize(second);
        var longest = Math.Max(a.Length, b.Length);
        if (longest == 0)
        {
            return 1;
        }

        // Exact integer arithmetic up to one final division, so that 19 of 20 characters is exactly 0.95.
        return (double)(longest - Distance(a, b)) / longest;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions each cost one.</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length < b.Length)
        {
            (a, b) = (b, a);
        }

        if (b.Length == 0)
        {
            return a.Length;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static string Normalize(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? ""
            : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
