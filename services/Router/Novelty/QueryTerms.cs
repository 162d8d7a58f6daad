using System.Runtime.InteropServices;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace HitlLoop.Router.Novelty;

/// <summary>One stemmed word of a query and how often the query uses it.</summary>
/// <param name="Hash">A stable 64-bit hash of <paramref name="Term"/>: what the novelty index compares.</param>
public readonly record struct QueryTerm(ulong Hash, string Term, int Count);

/// <summary>
/// A query as the bag of stemmed English words that carry its topic: Lucene's English analyzer (Unicode word
/// breaks, lower case, possessives dropped, Porter stems) with the Snowball project's English stop words (Lucene's
/// default list of 33 keeps "how", "do", "my", which made a greeting look like a topic) and identifiers such as
/// order numbers dropped too, since they say nothing about what is asked.
/// </summary>
public static class QueryTerms
{
    /// <summary>More words than this say no more about the topic; a megabyte query costs no more than a long one.</summary>
    public const int MaxTerms = 32;

    private const int MaxAnalysedChars = 4_000;

    // Thread-safe: the analyzer keeps one token stream per thread.
    private static readonly EnglishAnalyzer Analyzer = new(LuceneVersion.LUCENE_48, SnowballStopWords());

    /// <summary>The query's distinct terms in order of first use, each with its count.</summary>
    public static IReadOnlyList<QueryTerm> Of(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var terms = new List<QueryTerm>();
        using var reader = new StringReader(text.Length > MaxAnalysedChars ? text[..MaxAnalysedChars] : text);
        using var tokens = Analyzer.GetTokenStream("query", reader);
        var term = tokens.AddAttribute<ICharTermAttribute>();
        tokens.Reset();
        while (tokens.IncrementToken())
        {
            var chars = term.Buffer.AsSpan(0, term.Length);
            if (chars.IndexOfAnyInRange('0', '9') >= 0)
            {
                continue;
            }

            var hash = Hash(chars);
            var at = terms.FindIndex(t => t.Hash == hash);
            if (at >= 0)
            {
                terms[at] = terms[at] with { Count = terms[at].Count + 1 };
            }
            else if (terms.Count < MaxTerms)
            {
                terms.Add(new QueryTerm(hash, chars.ToString(), 1));
            }
        }

        tokens.End();
        return terms;
    }

    private static CharArraySet SnowballStopWords()
    {
        const string resource = "Lucene.Net.Analysis.Common.Analysis.Snowball.english_stop.txt";
        using var stream = typeof(EnglishAnalyzer).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Lucene.Net.Analysis.Common no longer ships {resource}.");
        using var reader = new StreamReader(stream);
        return WordlistLoader.GetSnowballWordSet(reader, LuceneVersion.LUCENE_48);
    }

    /// <summary>FNV-1a over the term's UTF-16 code units: stable across processes and replicas, unlike string hashes.</summary>
    public static ulong Hash(ReadOnlySpan<char> term)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in MemoryMarshal.AsBytes(term))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
