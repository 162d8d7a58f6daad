using System.Globalization;
using HitlLoop.PatternLearner.Storage;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace HitlLoop.PatternLearner.Retrieval;

/// <summary>One correction found for a query, with its BM25 score.</summary>
public sealed record CorrectionHit(string CorrectionId, float Score);

/// <summary>
/// A full-text index of the accepted corrections, ranked by BM25 (Lucene): what the end user asked weighs most, then
/// what the bot answered and what the reviewer kept, read through Lucene's English analysis (stems, stop words).
/// Each product's corrections are searched apart, optionally one category's only. The index is a cache of the store:
/// each replica keeps its own on disk, with the time up to which it has read the store in each commit, and reads on
/// from there (see <see cref="CorrectionIndexFeed"/>).
/// </summary>
public sealed class CorrectionSearch : IDisposable
{
    /// <summary>Words of a query or draft past this many add little but cost; a megabyte query costs no more than a long one.</summary>
    public const int MaxTermsPerText = 64;

    // Each text is read up to this many characters, into the index and from a query: enough for any real answer.
    private const int MaxIndexedChars = 8_000;

    private const string IdField = "id";
    private const string ProductField = "product";
    private const string CategoryField = "category";
    private const string AcceptedField = "accepted";
    private const string QueryField = "query";
    private const string OriginalField = "original";
    private const string CorrectedField = "corrected";
    private const string ReadUpToKey = "readUpTo";

    // What a query's words are matched against, and how much each match counts. The user's question is what
    // guidance is looked up by; the answers widen the vocabulary, so a question in other words still finds them.
    private static readonly (string Field, float Boost)[] QueryFields = [(QueryField, 1.0f), (OriginalField, 0.35f), (CorrectedField, 0.35f)];

    // A draft answer is compared with what the bot said before it was corrected.
    private static readonly (string Field, float Boost)[] DraftFields = [(OriginalField, 0.3f)];

    private static readonly Similarity Bm25 = new BM25Similarity();

    private readonly Analyzer _analyzer = new EnglishAnalyzer(LuceneVersion.LUCENE_48);
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly System.Threading.Lock _commit = new();

    /// <summary>1 when something was added since searchers last reopened: the next search reopens them first.</summary>
    private int _added;

    private CorrectionSearch(LuceneDirectory directory)
    {
        _directory = directory;
        _writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, _analyzer)
        {
            Similarity = Bm25,
            OpenMode = OpenMode.CREATE_OR_APPEND,
        });
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Bm25Searchers());
        ReadUpTo = _writer.CommitData.TryGetValue(ReadUpToKey, out var stored)
            && long.TryParse(stored, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new DateTime(ticks, DateTimeKind.Utc)
            : DateTime.MinValue;
    }

    /// <summary>Opens the index kept in <paramref name="path"/>, creating it when there is none.</summary>
    public static CorrectionSearch Open(string path)
    {
        System.IO.Directory.CreateDirectory(path);
        return new CorrectionSearch(FSDirectory.Open(new DirectoryInfo(path)));
    }

    /// <summary>An index held in memory only, for tests and evaluations.</summary>
    public static CorrectionSearch InMemory() => new(new RAMDirectory());

    /// <summary>The store's recording time up to which every correction is in the last commit.</summary>
    public DateTime ReadUpTo { get; private set; }

    /// <summary>How many corrections the index holds.</summary>
    public int Count
    {
        get
        {
            var searcher = Acquire();
            try
            {
                return searcher.IndexReader.NumDocs;
            }
            finally
            {
                _searchers.Release(searcher);
            }
        }
    }

    /// <summary>Adds the corrections, or replaces them when already indexed; the next search finds them.</summary>
    public void Add(IEnumerable<CorrectionRecord> corrections)
    {
        foreach (var correction in corrections)
        {
            _writer.UpdateDocument(new Term(IdField, correction.Id), DocumentOf(correction));
            Volatile.Write(ref _added, 1);
        }
    }

    /// <summary>Makes what was added durable, noting that the store has been read up to <paramref name="readUpTo"/>.</summary>
    public void Commit(DateTime readUpTo)
    {
        lock (_commit)
        {
            var upTo = readUpTo > ReadUpTo ? readUpTo : ReadUpTo;
            _writer.SetCommitData(new Dictionary<string, string> { [ReadUpToKey] = upTo.Ticks.ToString(CultureInfo.InvariantCulture) });
            _writer.Commit();
            ReadUpTo = upTo;
        }
    }

    /// <summary>
    /// The product's corrections (the category's only, when one is given) most relevant to the query and draft,
    /// best first, the newest first among equals. Without words to match, the newest.
    /// </summary>
    public IReadOnlyList<CorrectionHit> Search(string productId, string? category, string? query, string? draft, int limit)
    {
        var search = new BooleanQuery { { new TermQuery(new Term(ProductField, productId)), Occur.MUST } };
        if (category is not null)
        {
            search.Add(new TermQuery(new Term(CategoryField, category)), Occur.MUST);
        }

        var words = new BooleanQuery();
        AddWords(words, query, QueryFields);
        AddWords(words, draft, DraftFields);
        if (words.Clauses.Count > 0)
        {
            search.Add(words, Occur.MUST);
        }

        var searcher = Acquire();
        try
        {
            var newestFirst = new Sort(SortField.FIELD_SCORE, new SortField(AcceptedField, SortFieldType.INT64, reverse: true));
            var top = searcher.Search(search, null, limit, newestFirst, doDocScores: true, doMaxScore: false);
            return [.. top.ScoreDocs.Select(hit => new CorrectionHit(searcher.Doc(hit.Doc).Get(IdField), hit.Score))];
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>A searcher that sees everything added so far: reopened only when something was.</summary>
    private IndexSearcher Acquire()
    {
        if (Interlocked.Exchange(ref _added, 0) == 1)
        {
            _searchers.MaybeRefreshBlocking();
        }

        return _searchers.Acquire();
    }

    private void AddWords(BooleanQuery words, string? text, (string Field, float Boost)[] fields)
    {
        foreach (var term in TermsOf(text))
        {
            foreach (var (field, boost) in fields)
            {
                words.Add(new TermQuery(new Term(field, term)) { Boost = boost }, Occur.SHOULD);
            }
        }
    }

    /// <summary>The text's distinct analysed words, as the index holds them.</summary>
    private List<string> TermsOf(string? text)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }

        using var tokens = _analyzer.GetTokenStream(QueryField, Bounded(text));
        var term = tokens.AddAttribute<ICharTermAttribute>();
        tokens.Reset();
        while (terms.Count < MaxTermsPerText && tokens.IncrementToken())
        {
            var word = term.ToString();
            if (!terms.Contains(word, StringComparer.Ordinal))
            {
                terms.Add(word);
            }
        }

        tokens.End();
        return terms;
    }

    private static Document DocumentOf(CorrectionRecord correction) =>
    [
        new StringField(IdField, correction.Id, Field.Store.YES),
        new StringField(ProductField, correction.ProductId, Field.Store.NO),
        new StringField(CategoryField, correction.Category ?? "", Field.Store.NO),
        new NumericDocValuesField(AcceptedField, correction.AcceptedAt.Ticks),
        new TextField(QueryField, Bounded(correction.Query), Field.Store.NO),
        new TextField(OriginalField, Bounded(correction.OriginalText), Field.Store.NO),
        new TextField(CorrectedField, Bounded(correction.CorrectedText), Field.Store.NO),
    ];

    private static string Bounded(string text) => text.Length > MaxIndexedChars ? text[..MaxIndexedChars] : text;

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }

    private sealed class Bm25Searchers : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = Bm25 };
    }
}
