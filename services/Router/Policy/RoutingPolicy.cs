using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.Router.Novelty;
using HitlLoop.Router.Signals;
using HitlLoop.ServiceDefaults.Text;
using Microsoft.Extensions.Options;

namespace HitlLoop.Router.Policy;

/// <summary>The review triggers: a pure function of the scored response and the configured policy.</summary>
public sealed class RoutingPolicy
{
    private readonly RouterOptions _options;
    private readonly ProductPolicyBoard? _policies;

    public RoutingPolicy(IOptions<RouterOptions> options, ProductPolicyBoard? policies = null)
    {
        _options = options.Value;
        _policies = policies;
        Version = ComputeVersion(_options);
    }

    /// <summary>The configuration's version: changes whenever a setting changes.</summary>
    public string Version { get; }

    /// <summary>
    /// What each stored decision names as the rules it was made under: the product's policy version when an admin
    /// set one over HTTP, else the configuration's.
    /// </summary>
    public string VersionFor(string productId) => StoredPolicy(productId)?.Label ?? Version;

    /// <summary>The product's settings: its stored policy, else its entry in configuration, else none.</summary>
    public ProductPolicyOptions? ProductFor(string productId) =>
        StoredPolicy(productId)?.Settings ?? (_options.Products.TryGetValue(productId, out var configured) ? configured : null);

    private ProductPolicy? StoredPolicy(string productId) => _policies?.For(productId) is { PolicyVersion: > 0 } stored ? stored : null;

    public CalibrationOptions Calibration => _options.Calibration;

    /// <summary>Whether queries are compared with the product's earlier ones at all.</summary>
    public bool NoveltyOn => _options.Novelty.Enabled;

    /// <summary>Whether reviewers' verdicts move this product's threshold.</summary>
    public bool Calibrates(string productId) => Calibrates(ProductFor(productId));

    /// <summary>The threshold configuration sets for the product: where calibration starts.</summary>
    public double ConfiguredThresholdFor(string productId) => ConfiguredThreshold(ProductFor(productId));

    private bool Calibrates(ProductPolicyOptions? product) => _options.Calibration.Enabled && product?.Calibrate != false;

    private double ConfiguredThreshold(ProductPolicyOptions? product) => product?.ConfidenceThreshold ?? _options.DefaultConfidenceThreshold;

    /// <summary>Decides the response from its scores and what the Router has learned about its kind (<paramref name="signals"/>).</summary>
    public RoutingDecision Decide(ResponseScored response, RoutingSignals? signals = null) =>
        Decide(response, signals, ProductFor(response.ProductId), VersionFor(response.ProductId));

    /// <summary>
    /// What a candidate policy would decide, run beside the live one: the product's <paramref name="candidate"/>
    /// settings in place of its own. A threshold the candidate sets replaces the calibrated one.
    /// </summary>
    public RoutingDecision DecideAs(ResponseScored response, RoutingSignals signals, ProductPolicyOptions candidate, string version) =>
        Decide(response, candidate.ConfidenceThreshold is null ? signals : signals with { Calibrated = null }, candidate, version);

    private RoutingDecision Decide(ResponseScored response, RoutingSignals? signals, ProductPolicyOptions? product, string version)
    {
        var threshold = signals?.Calibrated is { } calibrated && Calibrates(product) ? calibrated.Threshold : ConfiguredThreshold(product);
        var triggers = new List<ReviewTrigger>();

        if (response.Confidence < threshold)
        {
            triggers.Add(Trigger(TriggerCodes.LowConfidence, ReviewPriority.High, $"confidence {F(response.Confidence)} < {F(threshold)}"));
        }

        if (response.Sentiment < _options.NegativeSentimentThreshold)
        {
            triggers.Add(Trigger(TriggerCodes.NegativeSentiment, ReviewPriority.High, $"sentiment {F(response.Sentiment)} < {F(_options.NegativeSentimentThreshold)}"));
        }

        if (response.EscalationRequested)
        {
            triggers.Add(Trigger(TriggerCodes.EscalationRequested, ReviewPriority.Urgent, "the user asked for a human"));
        }

        if (response.Context.Account?.Value is { } value && value >= _options.HighValueAccountThreshold)
        {
            triggers.Add(Trigger(TriggerCodes.HighValueAccount, ReviewPriority.High, $"account value {value.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (CommitteeSpread(response) is { } spread && spread > _options.CommitteeDisagreementSpread)
        {
            triggers.Add(Trigger(TriggerCodes.CommitteeDisagreement, ReviewPriority.Medium, $"committee scores {F(spread)} apart"));
        }

        if (KnownMistake(response, signals?.Patterns) is var (mistake, failing))
        {
            // A mistake its rule has not stopped is the one to catch before it reaches the user.
            triggers.Add(Trigger(TriggerCodes.KnownMistake, failing ? ReviewPriority.Urgent : ReviewPriority.High, mistake));
        }

        if (NegativeReactions(signals?.Reactions) is { } reactions)
        {
            triggers.Add(Trigger(TriggerCodes.UserNegativeFeedback, ReviewPriority.High, reactions));
        }

        var novelty = Judged(signals?.Novelty);
        if (novelty is not null && novelty.Similarity < _options.Novelty.NovelBelow)
        {
            triggers.Add(Trigger(TriggerCodes.NovelInput, ReviewPriority.Medium, NovelEvidence(novelty)));
        }

        bool Disabled(string code) =>
            _options.DisabledTriggers.Contains(code, StringComparer.Ordinal) || product?.DisabledTriggers.Contains(code, StringComparer.Ordinal) == true;
        triggers.RemoveAll(t => Disabled(t.Code));

        if (triggers.Count == 0
            && DeterministicSample.Of(response.ResponseId, "audit") < (product?.AuditSampleRate ?? _options.AuditSampleRate)
            && !Disabled(TriggerCodes.RandomAudit))
        {
            triggers.Add(Trigger(TriggerCodes.RandomAudit, ReviewPriority.Low, "random quality check of an auto-approved response"));
        }

        return new RoutingDecision
        {
            NeedsReview = triggers.Count > 0,
            Triggers = triggers,
            Priority = triggers.Count > 0 ? triggers.Max(t => t.Priority) : ReviewPriority.Low,
            Learning = new LearningValue(
                Uncertainty: 1 - response.Confidence,
                Novelty: novelty?.Novelty ?? 0,
                Impact: Impact(response),
                Diversity: novelty?.Diversity ?? 0),
            ConfidenceThreshold = threshold,
            // Two reviewers (by default) for an audit sample or a committee disagreement, else one.
            RequiredReviews = triggers.Any(t => t.Code is TriggerCodes.RandomAudit or TriggerCodes.CommitteeDisagreement)
                ? product?.AgreementReviews ?? _options.AgreementReviews
                : 1,
            PolicyVersion = version,
        };
    }

    public TimeSpan SlaFor(ReviewPriority priority) => priority switch
    {
        ReviewPriority.Urgent => _options.ReviewSla.Urgent,
        ReviewPriority.High => _options.ReviewSla.High,
        ReviewPriority.Medium => _options.ReviewSla.Medium,
        _ => _options.ReviewSla.Low,
    };

    /// <summary>
    /// The first of the product's known mistakes (in pattern id order) the response repeats, with what shows it, and
    /// whether its rule is known not to be working.
    /// </summary>
    private static (string Evidence, bool Failing)? KnownMistake(ResponseScored response, IReadOnlyList<KnownPattern>? patterns)
    {
        if (patterns is not { Count: > 0 })
        {
            return null;
        }

        var words = Words.Of(response.Response).ToHashSet(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            if (pattern.Evidence(response, words) is { } evidence)
            {
                return (evidence, pattern.NotWorking);
            }
        }

        return null;
    }

    /// <summary>The evidence when more than the configured share of enough recent reactions to this kind were negative.</summary>
    private string? NegativeReactions(UserReactionWindow? window)
    {
        if (window is null)
        {
            return null;
        }

        var trigger = _options.UserFeedback;
        var (rated, negative) = window.Latest(trigger.Window);
        return rated >= trigger.MinReactions && (double)negative / rated > trigger.NegativeRate
            ? $"{negative} of the latest {rated} end-user reactions to {window.Name} were negative ({F((double)negative / rated)} > {F(trigger.NegativeRate)})"
            : null;
    }

    /// <summary>The assessment when novelty is on and the product has sent enough queries to judge against.</summary>
    private NoveltyAssessment? Judged(NoveltyAssessment? assessed) =>
        _options.Novelty.Enabled && assessed is not null && assessed.Seen >= _options.Novelty.MinSeen && assessed.Terms.Count > 0 ? assessed : null;

    private string NovelEvidence(NoveltyAssessment novelty) =>
        novelty.NearestExample is { } nearest
            ? $"the nearest of {novelty.Seen} earlier queries is {F(novelty.Similarity)} alike (< {F(_options.Novelty.NovelBelow)}): \"{nearest}\""
            : $"no word in common with any of {novelty.Seen} earlier queries";

    private double Impact(ResponseScored response)
    {
        if (response.EscalationRequested)
        {
            return 1;
        }

        return response.Context.Account?.Value is { } value && _options.HighValueAccountThreshold > 0
            ? (double)Math.Min(1m, value / _options.HighValueAccountThreshold)
            : 0;
    }

    private static double? CommitteeSpread(ResponseScored response) =>
        response.CommitteeScores.Count >= 2
            ? response.CommitteeScores.Values.Max() - response.CommitteeScores.Values.Min()
            : null;

    private static ReviewTrigger Trigger(string code, ReviewPriority priority, string detail) =>
        new() { Code = code, Priority = priority, Detail = detail };

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string ComputeVersion(RouterOptions options)
    {
        var canonical = JsonSerializer.Serialize(options);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return "p-" + Convert.ToHexStringLower(hash)[..12];
    }
}
