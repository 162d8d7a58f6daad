using System.Text;

namespace HitlLoop.ServiceDefaults.Text;

/// <summary>
/// Splits text into lower-case words: letters and digits, with apostrophes dropped so "can't" and "cant" agree. The
/// PatternLearner finds words in corrections this way and the Router looks for them in responses the same way.
/// </summary>
public static class Words
{
    /// <summary>Every word, in order.</summary>
    public static IEnumerable<string> Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (c is '\'' or '\u2019' && word.Length > 0)
            {
                continue;
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}
