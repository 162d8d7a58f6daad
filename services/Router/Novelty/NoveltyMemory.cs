namespace HitlLoop.Router.Novelty;

/// <summary>
/// One product's queries as topic clusters, held for TF-IDF comparison: each cluster keeps its leading query's term
/// weights, an inverted index finds the clusters that share a word with a new query, and document frequencies come
/// from the clusters' counts. No I/O: <see cref="NoveltyBoard"/> stores what changes.
/// </summary>
/// <remarks>
/// Cost per query is bounded, not a function of the history. Candidates come from the postings of the query's
/// words found in at most <see cref="CommonPostings"/> clusters; a more common word adds its share to those
/// candidates only. A cluster sharing nothing but common words with the query is not compared: its cosine is at
/// most the common words' share of the query's weight, which for words in that many topics is small. Only when every
/// word is common are the rarest one's latest <see cref="CommonPostings"/> clusters compared. The product keeps at
/// most its capacity of clusters, reusing the slot of one not matched since the last sweep when full (a clock
/// sweep, amortised O(1)).
/// </remarks>
public sealed class NoveltyMemory(int capacity)
{
    public const int CommonPostings = 256;

    private readonly Lock _lock = new();
    private readonly List<Cluster?> _slots = [];
    private readonly Dictionary<ulong, List<Posting>> _postings = [];
    private readonly List<(ulong Hash, double Scale, List<Posting> Postings)> _common = [];
    private readonly Dictionary<ulong, long> _documentFrequency = [];
    private double[] _dot = [];
    private readonly List<int> _touched = [];
    private long _seen;
    private int _hand;

    /// <summary>Queries counted so far, across every cluster.</summary>
    public long Seen
    {
        get
        {
            lock (_lock)
            {
                return _seen;
            }
        }
    }

    public int Clusters
    {
        get
        {
            lock (_lock)
            {
                return _slots.Count(s => s is not null);
            }
        }
    }

    /// <summary>Compares the query with the clusters; changes nothing.</summary>
    public NoveltyAssessment Assess(IReadOnlyList<QueryTerm> terms, double joinSimilarity)
    {
        lock (_lock)
        {
            if (terms.Count == 0)
            {
                return NoveltyAssessment.Empty(_seen);
            }

            var (slot, similarity) = Nearest(terms);
            var nearest = slot is { } s ? _slots[s] : null;
            var diversity = nearest is not null && similarity >= joinSimilarity ? 1.0 / (1 + nearest.Reviewed) : 1;
            return new NoveltyAssessment(1 - similarity, similarity, diversity, _seen, slot, nearest?.Document.Example, terms);
        }
    }

    /// <summary>
    /// Counts the query into the nearest cluster when it is at least <paramref name="joinSimilarity"/> alike and
    /// returns null; otherwise returns the slot a new cluster for it should take (a free one, or one reclaimed).
    /// </summary>
    public int? Count(IReadOnlyList<QueryTerm> terms, bool reviewed, double joinSimilarity)
    {
        lock (_lock)
        {
            if (terms.Count == 0)
            {
                return null;
            }

            var (slot, similarity) = Nearest(terms);
            if (slot is { } joined && similarity >= joinSimilarity)
            {
                var cluster = _slots[joined]!;
                cluster.Referenced = true;
                cluster.PendingSeen++;
                cluster.PendingReviewed += reviewed ? 1 : 0;
                AddFrequency(cluster, 1);
                return null;
            }

            return FreeSlot();
        }
    }

    /// <summary>The counts not yet stored, taken for storing; <see cref="Stored"/> settles them.</summary>
    public IReadOnlyList<PendingCounts> TakePending()
    {
        lock (_lock)
        {
            var pending = new List<PendingCounts>();
            foreach (var cluster in _slots)
            {
                if (cluster is { PendingSeen: > 0 })
                {
                    pending.Add(new PendingCounts(cluster, cluster.Document.Id, cluster.PendingSeen, cluster.PendingReviewed));
                    cluster.InFlightSeen += cluster.PendingSeen;
                    cluster.InFlightReviewed += cluster.PendingReviewed;
                    cluster.PendingSeen = 0;
                    cluster.PendingReviewed = 0;
                }
            }

            return pending;
        }
    }

    /// <summary>Settles counts taken by <see cref="TakePending"/>: stored (<paramref name="stored"/> holds them), or pending again when <paramref name="stored"/> is null.</summary>
    public void Stored(PendingCounts counts, NoveltyCluster? stored)
    {
        lock (_lock)
        {
            var (seen, reviewed) = (counts.Seen, counts.Reviewed);
            // A cluster whose slot was reclaimed meanwhile takes its counts with it.
            if (counts.Cluster is Cluster cluster && ReferenceEquals(_slots.ElementAtOrDefault(cluster.Document.Slot), cluster))
            {
                cluster.InFlightSeen -= seen;
                cluster.InFlightReviewed -= reviewed;
                if (stored is null)
                {
                    // Not stored: count them again next time rather than lose them.
                    cluster.PendingSeen += seen;
                    cluster.PendingReviewed += reviewed;
                }
                else
                {
                    AddFrequency(cluster, -seen);
                    Apply(stored);
                }
            }
        }
    }

    /// <summary>Holds a stored cluster: a new one, newer counts of one held, or a new leader in a reclaimed slot.</summary>
    public void Apply(NoveltyCluster stored)
    {
        lock (_lock)
        {
            while (_slots.Count <= stored.Slot)
            {
                _slots.Add(null);
            }

            if (_slots[stored.Slot] is { } held)
            {
                if (held.Document.Version >= stored.Version)
                {
                    return;
                }

                if (held.Document.OpenedAt == stored.OpenedAt && held.Document.Terms.SequenceEqual(stored.Terms, StringComparer.Ordinal))
                {
                    AddFrequency(held, stored.Seen - held.Document.Seen);
                    held.Document = stored;
                    return;
                }

                Remove(held);
            }

            var cluster = new Cluster(stored);
            _slots[stored.Slot] = cluster;
            foreach (var (hash, tf) in cluster.Weights)
            {
                if (!_postings.TryGetValue(hash, out var postings))
                {
                    _postings[hash] = postings = [];
                }

                postings.Add(new Posting(stored.Slot, tf));
            }

            AddFrequency(cluster, stored.Seen);
            if (_dot.Length < _slots.Count)
            {
                Array.Resize(ref _dot, Math.Max(_slots.Count, _dot.Length * 2));
            }
        }
    }

    private (int? Slot, double Similarity) Nearest(IReadOnlyList<QueryTerm> terms)
    {
        if (_seen == 0)
        {
            return (null, 0);
        }

        // The query's weights: (1 + ln tf) · idf, with the smoothed idf = ln((1 + N) / (1 + df)) + 1: a word every query uses
        // weighs least but not nothing, so a product that always asks the same thing finds it familiar.
        var queryNorm = 0.0;
        var rarest = -1;
        var rarestIdf = 0.0;
        foreach (var term in terms)
        {
            var idf = Idf(term.Hash);
            var weight = (1 + Math.Log(term.Count)) * idf;
            queryNorm += weight * weight;
            if (weight <= 0 || !_postings.TryGetValue(term.Hash, out var postings))
            {
                continue;
            }

            if (postings.Count > CommonPostings)
            {
                if (idf > rarestIdf)
                {
                    (rarest, rarestIdf) = (_common.Count, idf);
                }

                _common.Add((term.Hash, weight * idf, postings));

                continue;
            }

            Walk(postings, weight * idf, postings.Count);
        }

        if (_touched.Count == 0 && rarest >= 0)
        {
            // Every word is common: compare the latest clusters that use the rarest, the rest added below.
            Walk(_common[rarest].Postings, _common[rarest].Scale, CommonPostings);
            _common.RemoveAt(rarest);
        }

        foreach (var (hash, scale, _) in _common)
        {
            foreach (var slot in _touched)
            {
                _dot[slot] += scale * _slots[slot]!.WeightOf(hash);
            }
        }

        _common.Clear();

        int? best = null;
        var bestSimilarity = 0.0;
        foreach (var slot in _touched)
        {
            var similarity = queryNorm > 0 ? _dot[slot] / (Math.Sqrt(queryNorm) * Norm(_slots[slot]!)) : 0;
            if (similarity > bestSimilarity)
            {
                (best, bestSimilarity) = (slot, similarity);
            }

            _dot[slot] = 0;
        }

        _touched.Clear();
        return (best, Math.Clamp(bestSimilarity, 0, 1));
    }

    /// <summary>Adds <paramref name="scale"/> · the cluster's tf to the dot product of the latest <paramref name="limit"/> clusters using the word.</summary>
    private void Walk(List<Posting> postings, double scale, int limit)
    {
        for (var i = postings.Count - 1; i >= Math.Max(0, postings.Count - limit); i--)
        {
            var (slot, tf) = postings[i];
            if (_dot[slot] == 0)
            {
                _touched.Add(slot);
            }

            _dot[slot] += scale * tf;
        }
    }

    private double Idf(ulong hash) =>
        Math.Log((1.0 + _seen) / (1.0 + (_documentFrequency.TryGetValue(hash, out var df) ? df : 0))) + 1;

    /// <summary>The cluster's weight vector length, recomputed once the counts have moved by a twentieth since.</summary>
    private double Norm(Cluster cluster)
    {
        if (cluster.NormAt == 0 || _seen > cluster.NormAt * 21 / 20)
        {
            var sum = 0.0;
            foreach (var (hash, tf) in cluster.Weights)
            {
                var weight = tf * Idf(hash);
                sum += weight * weight;
            }

            cluster.Norm = Math.Max(Math.Sqrt(sum), double.Epsilon);
            cluster.NormAt = _seen;
        }

        return cluster.Norm;
    }

    private int FreeSlot()
    {
        var free = _slots.IndexOf(null);
        if (free >= 0)
        {
            return free;
        }

        if (_slots.Count < capacity)
        {
            return _slots.Count;
        }

        // Clock sweep: pass over clusters matched since the last pass (clearing the mark), take the first one not.
        while (true)
        {
            _hand = (_hand + 1) % _slots.Count;
            var cluster = _slots[_hand]!;
            if (!cluster.Referenced)
            {
                return _hand;
            }

            cluster.Referenced = false;
        }
    }

    private void Remove(Cluster cluster)
    {
        AddFrequency(cluster, -cluster.Total);
        foreach (var (hash, _) in cluster.Weights)
        {
            var postings = _postings[hash];
            postings.RemoveAll(p => p.Slot == cluster.Document.Slot);
            if (postings.Count == 0)
            {
                _postings.Remove(hash);
            }
        }

        _slots[cluster.Document.Slot] = null;
    }

    /// <summary>Counts <paramref name="queries"/> more (or fewer) queries that use the cluster's words.</summary>
    private void AddFrequency(Cluster cluster, long queries)
    {
        _seen += queries;
        foreach (var (hash, _) in cluster.Weights)
        {
            var df = _documentFrequency.GetValueOrDefault(hash) + queries;
            if (df > 0)
            {
                _documentFrequency[hash] = df;
            }
            else
            {
                _documentFrequency.Remove(hash);
            }
        }
    }

    private readonly record struct Posting(int Slot, double Tf);

    /// <summary>Counts taken for storing; <paramref name="Cluster"/> is the memory's own handle on the cluster.</summary>
    public sealed record PendingCounts(object Cluster, string Id, int Seen, int Reviewed);

    private sealed class Cluster(NoveltyCluster document)
    {
        public NoveltyCluster Document { get; set; } = document;

        /// <summary>Each distinct term's 1 + ln tf.</summary>
        public (ulong Hash, double Tf)[] Weights { get; } = [.. document.Terms
            .GroupBy(t => t, StringComparer.Ordinal)
            .Select(g => (QueryTerms.Hash(g.Key), 1 + Math.Log(g.Count())))];

        public int PendingSeen { get; set; }
        public int PendingReviewed { get; set; }
        public int InFlightSeen { get; set; }
        public int InFlightReviewed { get; set; }
        public bool Referenced { get; set; } = true;
        public double Norm { get; set; }
        public long NormAt { get; set; }

        public long Total => Document.Seen + PendingSeen + InFlightSeen;
        public int Reviewed => Document.Reviewed + PendingReviewed + InFlightReviewed;

        public double WeightOf(ulong hash)
        {
            foreach (var (h, tf) in Weights)
            {
                if (h == hash)
                {
                    return tf;
                }
            }

            return 0;
        }
    }
}
