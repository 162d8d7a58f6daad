namespace HitlLoop.Feedback.Corrections;

/// <summary>
/// How alike two texts are, 0 (nothing in common) to 1 (the same): the normalized Levenshtein ratio
/// (max length − edit distance) / max length, over characters, after trimming and collapsing runs of whitespace.
/// </summary>
/// <remarks>
/// Character edits fit the question asked: "did the reviewer change enough to teach the bot something?" A
/// reworded sentence scores low, a fixed typo or a reflowed paragraph scores near 1. Case is kept because a
/// case-only change is a change, though rarely one worth learning, and it scores high anyway.
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
    /// <remarks>
    /// Bit-parallel (Myers' algorithm in Hyyrö's block form): each 64-row slice of a dynamic-programming column is
    /// one machine word, so a column costs a few word operations per 64 characters of the shorter text instead of
    /// one step per character. Same result as the textbook table, about 64 times fewer steps.
    /// </remarks>
    public static int Distance(string a, string b)
    {
        // The shorter text runs down the columns (fewer words per column), the longer one across.
        var (pattern, text) = a.Length <= b.Length ? (a, b) : (b, a);
        if (pattern.Length == 0)
        {
            return text.Length;
        }

        var blocks = (pattern.Length + 63) / 64;
        var lastRow = 1UL << ((pattern.Length - 1) % 64);
        var matches = new Dictionary<char, ulong[]>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (!matches.TryGetValue(pattern[i], out var mask))
            {
                matches[pattern[i]] = mask = new ulong[blocks];
            }

            mask[i / 64] |= 1UL << (i % 64);
        }

        var positive = new ulong[blocks];
        var negative = new ulong[blocks];
        Array.Fill(positive, ulong.MaxValue);
        var score = pattern.Length;
        var none = new ulong[blocks];

        foreach (var character in text)
        {
            var equal = matches.TryGetValue(character, out var mask) ? mask : none;

            // Row 0 of the table grows by one per column: the carry into the first block is always +1.
            var carry = 1;
            for (var block = 0; block < blocks; block++)
            {
                carry = Advance(ref positive[block], ref negative[block], equal[block], carry, block == blocks - 1 ? lastRow : 1UL << 63);
            }

            score += carry;
        }

        return score;
    }

    /// <summary>One 64-row slice of one column; returns the vertical step (-1, 0, +1) at <paramref name="bottom"/>.</summary>
    private static int Advance(ref ulong positive, ref ulong negative, ulong equal, int carryIn, ulong bottom)
    {
        var carryNegative = carryIn < 0 ? 1UL : 0UL;
        var vertical = equal | negative;
        equal |= carryNegative;
        var horizontal = (((equal & positive) + positive) ^ positive) | equal;
        var horizontalPositive = negative | ~(horizontal | positive);
        var horizontalNegative = positive & horizontal;

        var carryOut = (horizontalPositive & bottom) != 0 ? 1 : (horizontalNegative & bottom) != 0 ? -1 : 0;

        horizontalPositive = (horizontalPositive << 1) | (carryIn > 0 ? 1UL : 0UL);
        horizontalNegative = (horizontalNegative << 1) | carryNegative;
        positive = horizontalNegative | ~(vertical | horizontalPositive);
        negative = horizontalPositive & vertical;
        return carryOut;
    }

    private static string Normalize(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? ""
            : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
