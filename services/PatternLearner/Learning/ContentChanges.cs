using System.Collections.Frozen;
using DiffPlex;
using DiffPlex.Chunkers;
using DiffPlex.Model;

namespace HitlLoop.PatternLearner.Learning;

/// <summary>One fact a reviewer swapped: what the bot said, and what the reviewer put in its place.</summary>
public sealed record ClaimChange(string Wrong, string Right);

/// <summary>What a correction did to the answer's content, read from a word-by-word diff of the two texts.</summary>
/// <param name="Added">Content words of information the reviewer added, as they read in the correction.</param>
/// <param name="Removed">Content words of information the reviewer took out.</param>
/// <param name="Claims">Facts swapped for others: a number, a yes for a no, a name.</param>
public sealed record ContentChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<ClaimChange> Claims)
{
    /// <summary>Information counts as added (or removed) from this many new (or lost) content words on.</summary>
    public const int MinInformationWords = 4;

    // A texts' words past this many are not diffed: a megabyte answer is analysed by its beginning.
    private const int MaxWords = 4_000;

    // A swap of facts is a small edit: a few words out, a few in.
    private const int MaxSwappedWords = 3;
    private const int MaxSwappingWords = 4;

    // A number swapped is a claim corrected even when the words around it were rewritten too.
    private const int MaxNumberEditWords = 6;
    private const int MaxNumberEditWordsIn = 16;

    // A swap of words that carry no number or negation is a fact corrected only where the rest stands: when at
    // least this share of the words is kept, it is not a rewording of the whole.
    private const double MinKeptForNamedSwap = 0.7;

    // A sentence whose content is at most this share in the other text is information that went (or came).
    private const double MaxCoverageOfLostSentence = 0.34;
    private const int MinSentenceWords = 3;

    private static readonly FrozenSet<string> Negations = new[]
    {
        "not", "no", "never", "cannot", "cant", "dont", "doesnt", "isnt", "arent", "wont", "without", "none", "nor",
        "neither", "didnt", "wasnt", "werent", "unable",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Words of quantity that stand where a number would.
    private static readonly FrozenSet<string> Quantities = new[] { "unlimited", "free" }.ToFrozenSet(StringComparer.Ordinal);

    // Words that set a register rather than say something: a sentence made with them (a greeting, an apology, an
    // offer of more help) is tone, and its words are not information gained or lost.
    private static readonly FrozenSet<string> Courtesy = ToneClassifier.AllMarkers
        .Concat(["please", "dear", "valued", "hesitate", "let", "know", "question", "questions", "again", "afraid", "hope",
                 "hoping", "happy", "glad", "help", "trust", "love", "great", "thank"])
        .ToFrozenSet(StringComparer.Ordinal);

    public static ContentChanges Between(string original, string corrected)
    {
        var before = Tokens(original);
        var after = Tokens(corrected);
        var beforeWords = Stems(before);
        var afterWords = Stems(after);
        var diff = Differ.Instance.CreateDiffs(string.Join('\n', before), string.Join('\n', after), ignoreWhiteSpace: false, ignoreCase: false, LineChunker.Instance);
        var kept = Kept(diff, before.Length, after.Length);

        var claims = new List<ClaimChange>();
        var added = new List<string>();
        var removed = new List<string>();
        foreach (var block in diff.DiffBlocks)
        {
            var wrong = before.AsSpan(block.DeleteStartA, block.DeleteCountA).ToArray();
            var right = after.AsSpan(block.InsertStartB, block.InsertCountB).ToArray();
            if (IsClaim(wrong, right, kept))
            {
                claims.Add(new ClaimChange(string.Join(' ', wrong), string.Join(' ', right)));
            }

            // Words put in (or taken out) with nothing in their place: a clause of its own.
            if (wrong.Length == 0)
            {
                KeepLongest(added, Information(right, beforeWords));
            }

            if (right.Length == 0)
            {
                KeepLongest(removed, Information(wrong, afterWords));
            }
        }

        KeepLongest(added, LostSentences(corrected, beforeWords));
        KeepLongest(removed, LostSentences(original, afterWords));
        return new ContentChanges(
            added.Count >= MinInformationWords ? added : [],
            removed.Count >= MinInformationWords ? removed : [],
            claims);
    }

    private static bool IsClaim(string[] wrong, string[] right, double kept)
    {
        if (wrong.Length > 0 && right.Length > 0 && wrong.Length <= MaxNumberEditWords && right.Length <= MaxNumberEditWordsIn)
        {
            var numbersOut = Numbers(wrong);
            var numbersIn = Numbers(right);
            if (numbersOut.Except(numbersIn).Any() && numbersIn.Except(numbersOut).Any())
            {
                return true;
            }
        }

        if (wrong.Length > MaxSwappedWords || right.Length > MaxSwappingWords)
        {
            return false;
        }

        // "can" for "cannot", "is included" for "is not included", a no for a yes.
        var negatedOut = wrong.Any(Negations.Contains);
        var negatedIn = right.Any(Negations.Contains);
        if (negatedOut != negatedIn && (wrong.Length > 0 && right.Length > 0 || wrong.Length + right.Length == 1))
        {
            return true;
        }

        // A name or a term for another ("Westfield Mall" for "Oakridge Center"), where the rest of the answer stands.
        // One word for one is left out: that is as often a synonym as a fact.
        return wrong.Length > 0 && right.Length > 0 && Math.Max(wrong.Length, right.Length) >= 2 && kept >= MinKeptForNamedSwap
               && wrong.Any(IsContent) && right.Any(IsContent);
    }

    /// <summary>The share of both texts' words the diff keeps (Ratcliff/Obershelp's ratio over words).</summary>
    private static double Kept(DiffResult diff, int before, int after)
    {
        var changed = diff.DiffBlocks.Sum(b => b.DeleteCountA + b.InsertCountB);
        return before + after == 0 ? 1 : 1 - (double)changed / (before + after);
    }

    /// <summary>Sentences of <paramref name="text"/> that say something and whose content the other text mostly lacks: their new (or lost) words.</summary>
    private static List<string> LostSentences(string text, HashSet<string> otherWords)
    {
        var lost = new List<string>();
        foreach (var sentence in Sentences(text))
        {
            var words = Tokens(sentence);
            if (words.Any(Courtesy.Contains))
            {
                continue;
            }

            var content = words.Where(IsContent).ToList();
            if (content.Count < MinSentenceWords)
            {
                continue;
            }

            var missing = content.Where(w => !otherWords.Contains(Stem(w))).ToList();
            if (content.Count - missing.Count <= MaxCoverageOfLostSentence * content.Count)
            {
                lost.AddRange(missing);
            }
        }

        return lost;
    }

    private static List<string> Information(string[] words, HashSet<string> otherWords) =>
        [.. words.Where(w => IsContent(w) && !Courtesy.Contains(w) && !otherWords.Contains(Stem(w)))];

    private static void KeepLongest(List<string> held, List<string> candidate)
    {
        if (candidate.Count > held.Count)
        {
            held.Clear();
            held.AddRange(candidate);
        }
    }

    private static IEnumerable<string> Sentences(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var end = text[i] is '\n' || (text[i] is '.' or '!' or '?' or ';' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])));
            if (end)
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    private static string[] Tokens(string text) => [.. ContentWords.Tokens(text).Take(MaxWords)];

    /// <summary>A content word as compared across the texts: stemmed, so "returns" meets "returned".</summary>
    private static HashSet<string> Stems(string[] words) => [.. words.Where(IsContent).Select(Stem)];

    private static bool IsContent(string word) =>
        ContentWords.IsContent(word) && !ToneClassifier.AllMarkers.Contains(word) && word != "please" && !word.All(char.IsAsciiDigit);

    private static readonly string[] Suffixes = ["ing", "ed", "es", "s", "ly"];

    private static string Stem(string word)
    {
        foreach (var suffix in Suffixes)
        {
            if (word.Length > suffix.Length + 3 && word.EndsWith(suffix, StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }

    private static HashSet<string> Numbers(string[] words)
    {
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            if (Quantities.Contains(word))
            {
                numbers.Add(word);
                continue;
            }

            var digits = 0;
            for (var i = 0; i <= word.Length; i++)
            {
                if (i < word.Length && char.IsAsciiDigit(word[i]))
                {
                    digits++;
                }
                else if (digits > 0)
                {
                    numbers.Add(word[(i - digits)..i]);
                    digits = 0;
                }
            }
        }

        return numbers;
    }
}
