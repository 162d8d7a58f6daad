using BenchmarkDotNet.Attributes;
using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Policy;
using Microsoft.Extensions.Options;

namespace HitlLoop.Benchmarks;

/// <summary>The Router's per-message decision: one call per scored response.</summary>
[MemoryDiagnoser]
public class RoutingPolicyBenchmarks
{
    private RoutingPolicy _policy = null!;
    private ResponseScored _lowConfidence = null!;
    private ResponseScored _confident = null!;

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
    }

    [Benchmark]
    public RoutingDecision DecideLowConfidence() => _policy.Decide(_lowConfidence);

    [Benchmark]
    public RoutingDecision DecideConfident() => _policy.Decide(_confident);
}
