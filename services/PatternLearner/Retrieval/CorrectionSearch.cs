using System.Globalization;
using System.Numerics.Tensors;
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

/// <summary>One correction found for a query, with its score: cosine similarity for meaning, BM25 for words.</summary>
public sealed record CorrectionHit(string CorrectionId, float Score);

/// <summary>
/// The accepted corrections, searched by meaning: each is a MiniLM sentence embedding of what was asked, what the bot
/// answered and what the reviewer kept (<see cref="TextEmbedder"/>), compared by cosine with the caller's query and
/// draft, so a question in other words still finds the correction. The query is then moved a little towards the
/// correction it found first, and the search runs again (pseudo-relevance feedback): the first find, nearly always
/// right, is worded like the user's question only in part, and its siblings (other wordings of the same need) lie
/// closer to it than to the question. Each product's corrections are held apart in memory, one contiguous block of
/// vectors per product, and searched exhaustively: exact, and a product's few thousand corrections take well under a
/// millisecond. A BM25 word search (Lucene, English analysis) is kept beside it for comparison.
/// <para>
/// The index is a cache of the store. Each replica keeps its own on disk (Lucene, with the vectors as stored
/// fields), with the time up to which it has read the store in each commit, and reads on from there
/// (see <see cref="CorrectionIndexFeed"/>); on opening, it loads the vectors back.
/// </para>
/// </summary>
public sealed class CorrectionSearch : IDisposable
{
    /// <summary>How <see cref="Search"/> ranks, as guidance answers name it.</summary>
    public const string Method = "minilm-l6-cosine-feedback";

    /// <summary>
    /// How far the query moves towards the correction found first: the share of that correction's vector added to the
    /// query's before the second search. On the labelled set recall@3 is 0.664–0.680 for any weight from 0.2 to 1.0.
    /// </summary>
    public const float FeedbackWeight = 0.5f;

    /// <summary>Words of a query or draft past this many add little but cost; a megabyte query costs no more than a long one.</summary>
    public const int MaxTermsPerText = 64;

    // A query and its draft are embedded up to this many characters (about 120 word pieces).
    private const int MaxSearchChars = 600;

    // Each text is read up to this many characters, into the index and from a query: enough for any real answer.
    private const int MaxIndexedChars = 8_000;

    private const string IdField = "id";
    private const string ProductField = "product";
    private const string CategoryField = "category";
    private const string AcceptedField = "accepted";
    private const string QueryField = "query";
    private const string OriginalField = "original";
    private const string CorrectedField = "corrected";
    private const string VectorField = "vector";
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
    private readonly TextEmbedder _embedder;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ProductVectors> _products = new(StringComparer.Ordinal);
    private readonly System.Threading.Lock _commit = new();

    /// <summary>1 when something was added since searchers last reopened: the next search reopens them first.</summary>
    private int _added;

    private CorrectionSearch(LuceneDirectory directory, TextEmbedder embedder)
    {
        _directory = directory;
        _embedder = embedder;
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
        LoadVectors();
    }

    /// <summary>Opens the index kept in <paramref name="path"/>, creating it when there is none.</summary>
    public static CorrectionSearch Open(string path, TextEmbedder embedder)
    {
        System.IO.Directory.CreateDirectory(path);
        return new CorrectionSearch(FSDirectory.Open(new DirectoryInfo(path)), embedder);
    }

    /// <summary>An index held in memory only, for tests and evaluations.</summary>
    public static CorrectionSearch InMemory(TextEmbedder embedder) => new(new RAMDirectory(), embedder);

    /// <summary>What a correction's embedding is made of: the question, the answer, and its correction.</summary>
    public static string MeaningOf(CorrectionRecord correction) =>
        correction.Query + "\n" + correction.OriginalText + "\n" + correction.CorrectedText;

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

    /// <summary>
    /// Adds the corrections, or replaces them when already indexed; the next search finds them. A correction stored
    /// without its embedding (before embeddings were kept) gets one here.
    /// </summary>
    public void Add(IReadOnlyList<CorrectionRecord> corrections)
    {
        var unembedded = corrections.Where(c => c.Embedding is null).ToList();
        var computed = unembedded.Count == 0 ? [] : _embedder.Embed([.. unembedded.Select(MeaningOf)]);
        var late = unembedded.Select((c, i) => (c.Id, Vector: computed[i])).ToDictionary(e => e.Id, e => e.Vector, StringComparer.Ordinal);
        foreach (var correction in corrections)
        {
            var vector = correction.Embedding is { } stored ? TextEmbedder.FromBytes(stored) : late[correction.Id];
            _writer.UpdateDocument(new Term(IdField, correction.Id), DocumentOf(correction, vector));
            VectorsOf(correction.ProductId).Put(correction.Id, correction.Category, correction.AcceptedAt.Ticks, vector);
            Volatile.Write(ref _added, 1);
        }
    }

    /// <summary>
    /// The product's corrections (with a category, that category's and the category-less ones) closest in meaning to
    /// the query and draft, best first, the newest first among equals, each scored by its cosine with them. Without
    /// either, the newest.
    /// </summary>
    public IReadOnlyList<CorrectionHit> Search(string productId, string? category, string? query, string? draft, int limit)
    {
        // The model's cost grows with the text: a long draft is read by its beginning, so a request stays fast.
        var text = string.Join("\n", new[] { query, draft }.Where(t => !string.IsNullOrWhiteSpace(t)));
        text = text.Length > MaxSearchChars ? text[..MaxSearchChars] : text;
        var vector = text.Length == 0 ? null : _embedder.Embed(text);
        return _products.TryGetValue(productId, out var vectors) ? vectors.Nearest(vector, category, limit) : [];
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
    /// The product's corrections (with a category, that category's and the category-less ones) sharing the most
    /// telling words with the query and draft by BM25, best first, the newest first among equals. Without words to
    /// match, the newest.
    /// </summary>
    public IReadOnlyList<CorrectionHit> SearchByWords(string productId, string? category, string? query, string? draft, int limit)
    {
        var search = new BooleanQuery { { new TermQuery(new Term(ProductField, productId)), Occur.MUST } };
        if (category is not null)
        {
            // A filter, scoring nothing: the category's own and the category-less corrections rank by their words alone.
            var scope = new BooleanQuery
            {
                { new TermQuery(new Term(CategoryField, category)), Occur.SHOULD },
                { new TermQuery(new Term(CategoryField, "")), Occur.SHOULD },
            };
            search.Add(new ConstantScoreQuery(scope) { Boost = 0 }, Occur.MUST);
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

    private ProductVectors VectorsOf(string productId) => _products.GetOrAdd(productId, _ => new ProductVectors());

    /// <summary>Reads every indexed correction's vector back into memory.</summary>
    private void LoadVectors()
    {
        var searcher = _searchers.Acquire();
        try
        {
            var reader = searcher.IndexReader;
            var live = MultiFields.GetLiveDocs(reader);
            var accepted = MultiDocValues.GetNumericValues(reader, AcceptedField);
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                if (live is not null && !live.Get(doc))
                {
                    continue;
                }

                var stored = reader.Document(doc);
                var category = stored.Get(CategoryField);
                VectorsOf(stored.Get(ProductField)).Put(
                    stored.Get(IdField),
                    string.IsNullOrEmpty(category) ? null : category,
                    accepted?.Get(doc) ?? 0,
                    TextEmbedder.FromBytes(stored.GetBinaryValue(VectorField).Bytes));
            }
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    private static Document DocumentOf(CorrectionRecord correction, float[] vector) =>
    [
        new StringField(IdField, correction.Id, Field.Store.YES),
        new StringField(ProductField, correction.ProductId, Field.Store.YES),
        new StringField(CategoryField, correction.Category ?? "", Field.Store.YES),
        new StoredField(VectorField, TextEmbedder.ToBytes(vector)),
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

    /// <summary>One product's vectors, one row each, searched exhaustively; rows are replaced in place.</summary>
    private sealed class ProductVectors
    {
        private readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
        private readonly List<string> _ids = [];
        private readonly List<string?> _categories = [];
        private readonly List<long> _accepted = [];
        private float[] _matrix = new float[TextEmbedder.Dimensions * 16];

        public void Put(string id, string? category, long acceptedTicks, float[] vector)
        {
            lock (_rows)
            {
                if (!_rows.TryGetValue(id, out var row))
                {
                    row = _ids.Count;
                    _rows[id] = row;
                    _ids.Add(id);
                    _categories.Add(category);
                    _accepted.Add(acceptedTicks);
                    if ((row + 1) * TextEmbedder.Dimensions > _matrix.Length)
                    {
                        Array.Resize(ref _matrix, _matrix.Length * 2);
                    }
                }

                _categories[row] = category;
                _accepted[row] = acceptedTicks;
                vector.CopyTo(_matrix, row * TextEmbedder.Dimensions);
            }
        }

        /// <summary>
        /// The <paramref name="limit"/> rows closest to <paramref name="query"/> once it has been moved towards its
        /// nearest row (the newest rows, without a query), best first, each scored by its cosine with the query as
        /// given. A row without a category belongs to every category.
        /// </summary>
        public List<CorrectionHit> Nearest(float[]? query, string? category, int limit)
        {
            lock (_rows)
            {
                if (query is null)
                {
                    return [.. Top(null, category, limit).Select(row => new CorrectionHit(_ids[row], 0))];
                }

                var first = Top(query, category, 1);
                if (first.Count == 0)
                {
                    return [];
                }

                var expanded = new float[TextEmbedder.Dimensions];
                TensorPrimitives.MultiplyAdd(Row(first[0]), FeedbackWeight, query, expanded);
                var length = TensorPrimitives.Norm(expanded);
                if (length > 0)
                {
                    TensorPrimitives.Divide(expanded, length, expanded);
                }

                return [.. Top(expanded, category, limit).Select(row => new CorrectionHit(_ids[row], TensorPrimitives.Dot(query, Row(row))))];
            }
        }

        private ReadOnlySpan<float> Row(int row) => _matrix.AsSpan(row * TextEmbedder.Dimensions, TextEmbedder.Dimensions);

        /// <summary>The rows of the category (and the category-less ones) closest to the vector, best first, the newest first among equals.</summary>
        private List<int> Top(float[]? vector, string? category, int limit)
        {
            var best = new List<(float Score, long Accepted, int Row)>(limit + 1);
            for (var row = 0; row < _ids.Count; row++)
            {
                if (category is not null && _categories[row] is { } own && own != category)
                {
                    continue;
                }

                var candidate = (vector is null ? 0 : TensorPrimitives.Dot(vector, Row(row)), _accepted[row], row);
                if (best.Count == limit && !Better(candidate, best[^1]))
                {
                    continue;
                }

                var at = best.FindIndex(b => Better(candidate, b));
                best.Insert(at < 0 ? best.Count : at, candidate);
                if (best.Count > limit)
                {
                    best.RemoveAt(limit);
                }
            }

            return [.. best.Select(b => b.Row)];
        }

        private static bool Better((float Score, long Accepted, int Row) a, (float Score, long Accepted, int Row) b) =>
            a.Score > b.Score || (a.Score == b.Score && a.Accepted > b.Accepted);
    }
}
