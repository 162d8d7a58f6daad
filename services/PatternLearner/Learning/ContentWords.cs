using System.Collections.Frozen;
using HitlLoop.ServiceDefaults.Text;

namespace HitlLoop.PatternLearner.Learning;

/// <summary>
/// Splits text into lower-case words (<see cref="Words"/>). Content words leave out a short list of stop words and
/// one-letter tokens, which carry no meaning of their own.
/// </summary>
public static class ContentWords
{
    private static readonly FrozenSet<string> StopWords = new[]
    {
        "an", "the", "and", "or", "but", "if", "then", "so", "as", "of", "to", "in", "on", "at", "by", "for", "from",
        "with", "about", "into", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have",
        "has", "had", "will", "would", "can", "could", "should", "may", "might", "me", "my", "we", "us", "our", "you",
        "your", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their", "this", "that", "these",
        "those", "there", "here", "what", "which", "who", "when", "where", "how", "all", "any", "just", "also",
        "than", "too", "very", "im", "ive", "youre",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Every word, in order, stop words included.</summary>
    public static IEnumerable<string> Tokens(string? text) => Words.Of(text);

    /// <summary>Distinct content words in order of first appearance, so lists built from them read naturally and repeat exactly.</summary>
    public static IReadOnlyList<string> Of(string? text) =>
        [.. Tokens(text).Where(IsContent).Distinct(StringComparer.Ordinal)];

    /// <summary>Whether the word carries meaning of its own: not a stop word, not a single letter.</summary>
    public static bool IsContent(string word) => word.Length > 1 && !StopWords.Contains(word);
}
