using BenchmarkDotNet.Attributes;
using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Novelty;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Signals;
using Microsoft.Extensions.Options;

namespace HitlLoop.Benchmarks;

/// <summary>The Router's per-message decision: one call per scored response.</summary>
[MemoryDiagnoser]
public class RoutingPolicyBenchmarks
{
    private RoutingPolicy _policy = null!;
    private ResponseScored _lowConfidence = null!;
    private ResponseScored _confident = null!;
    private RoutingSignals _signals = null!;
    private NoveltyMemory _novelty = null!;

    [GlobalSetup]
    public void Setup()
    {
        _policy = new RoutingPolicy(Options.Create(new RouterOptions()));

        // Low confidence and an upset user: two triggers, each with a formatted detail string.
        _lowConfidence = new ResponseScored
        {
            ResponseId = "resp-7f3c2a91",
            ConversationId = "conv-20250612-0042",
            ProductId = "support-bot",
            Query = "I was charged twice for my June invoice. Can I get the duplicate charge refunded?",
            Response = SupportTexts.ShortOriginal,
            Context = new ResponseContext
            {
                Account = new AccountAttributes { AccountId = "acct-48213", Tier = "enterprise", Value = 48_000m },
                Category = "billing",
            },
            Confidence = 0.42,
            CommitteeScores = new Dictionary<string, double> { ["judge-small"] = 0.35, ["policy-checker"] = 0.28 },
            Sentiment = -0.6,
        };

        // Nothing triggers, so the decision also draws the deterministic audit sample (one SHA-256).
        _confident = _lowConfidence with
        {
            ResponseId = "resp-1b9e0c47",
            Query = "How do I download last month's invoice as a PDF?",
            Response = "Open Billing in your account settings, choose Invoices, and select Download PDF next to the month you need.",
            Confidence = 0.96,
            CommitteeScores = new Dictionary<string, double> { ["judge-small"] = 0.93, ["policy-checker"] = 0.95 },
            Sentiment = 0.2,
        };

        // What the Router has learned about billing answers: ten known mistakes of the product (none of which the
        // confident answer repeats), a window of ten end-user reactions and a calibrated threshold.
        var now = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        var rule = new PatternRule { When = "answering billing questions", InsteadOf = "long answers", Do = "keep it short", Reason = "reviewers shortened them" };
        KnownPattern Pattern(int i, PatternSignature signature) => KnownPattern.From(
            new PatternLearned { PatternId = $"support-bot:billing:p{i}", PatternType = "removed_content", ProductId = "support-bot", Category = "billing", Rule = rule, Signature = signature, Version = 1 },
            now);
        var patterns = Enumerable.Range(0, 10)
            .Select(i => i % 2 == 0
                ? Pattern(i, new PatternSignature { Words = [$"survey{i}", $"voucher{i}", $"newsletter{i}"], MinWordHits = 2 })
                : Pattern(i, new PatternSignature { LongerThan = 2_000 + i }))
            .ToList();
        var reactions = UserReactionWindow.Empty("support-bot", "billing");
        for (var i = 0; i < 10; i++)
        {
            reactions = reactions.With($"fb-{i}", negative: i < 2, now.AddMinutes(i), now.AddMinutes(i))!;
        }

        _signals = new RoutingSignals(reactions, patterns, ThresholdCalibration.Start("support-bot", "billing", 0.88));
        _novelty = SeenQueries(20_000);
    }

    /// <summary>
    /// A product that has sent <paramref name="count"/> queries of eight words each, drawn from a 3,000-word
    /// vocabulary with a few words far more common than the rest (as in real text): word i is drawn with weight
    /// 1 / (i + 1). The benchmark query's words are among them, from common ("last", "invoice") to rare ("pdf"),
    /// so its comparison walks long postings lists.
    /// </summary>
    private static NoveltyMemory SeenQueries(int count)
    {
        var random = new Random(7);
        var vocabulary = Enumerable.Range(0, 3_000).Select(i => "topic" + (char)('a' + (i % 26)) + (char)('a' + (i / 26 % 26)) + (char)('a' + (i / 676))).ToArray();
        (vocabulary[5], vocabulary[10], vocabulary[20], vocabulary[50], vocabulary[200]) = ("invoice", "last", "month", "download", "pdf");
        var cumulative = new double[vocabulary.Length];
        for (var i = 0; i < vocabulary.Length; i++)
        {
            cumulative[i] = (i > 0 ? cumulative[i - 1] : 0) + (1.0 / (i + 1));
        }

        string Word()
        {
            var at = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
            return vocabulary[at >= 0 ? at : ~at];
        }

        var memory = new NoveltyMemory(new RouterOptions().Novelty.MaxClusters);
        foreach (var query in Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, 8).Select(_ => Word()))))
        {
            var terms = QueryTerms.Of(query);
            if (memory.Count(terms, reviewed: false, joinSimilarity: 0.5) is { } slot)
            {
                memory.Apply(NoveltyCluster.Open("support-bot", slot, terms, query, reviewed: false, DateTime.UnixEpoch));
            }
        }

        return memory;
    }

    [Benchmark]
    public RoutingDecision DecideLowConfidence() => _policy.Decide(_lowConfidence);

    [Benchmark]
    public RoutingDecision DecideConfident() => _policy.Decide(_confident);

    /// <summary>The confident answer against everything the Router has learned: every pattern checked, none matches.</summary>
    [Benchmark]
    public RoutingDecision DecideConfidentWithSignals() => _policy.Decide(_confident, _signals);

    /// <summary>
    /// As above, and the query read by the English analyzer and compared with the product's clusters of 20,000
    /// earlier queries (<see cref="NoveltyMemory"/>): what the Router does per message with novelty on.
    /// </summary>
    [Benchmark]
    public RoutingDecision DecideConfidentWithSignalsAndNovelty() =>
        _policy.Decide(_confident, _signals with { Novelty = _novelty.Assess(QueryTerms.Of(_confident.Query), joinSimilarity: 0.5) });
}
