using System.Globalization;
using HitlLoop.Contracts;
using HitlLoop.Router.Policy;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

public enum RoutingOutcome
{
    AutoApproved,
    ReviewRequested,
}

/// <summary>A shadow policy's decision: it never acts, it is only counted.</summary>
public sealed record ShadowDecision(string Version, bool NeedsReview, IReadOnlyList<string> Triggers);

/// <summary>One decision per response id, with its reasons, scores and policy version.</summary>
public sealed record RoutingDecisionDocument : IDocument
{
    /// <summary>The producer's response id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }

    /// <summary>The response's category, when the product sent one: end users' reactions to it are pooled by it.</summary>
    public string? Category { get; init; }

    public required RoutingOutcome Outcome { get; init; }
    public bool Audit { get; init; }

    /// <summary>True when a trigger fired but the product's review budget did not reach the response: it was auto-approved.</summary>
    public bool BudgetSkipped { get; init; }

    /// <summary>What the product's review budget did with the response, when it has one and a trigger fired.</summary>
    public string? Budget { get; init; }

    /// <summary>
    /// What the stats count this decision as, its product and its UTC day (see <see cref="StatsKeyOf(string, string, DateTime)"/>).
    /// The decision is counted under it as it is stored (the <c>decision-counts</c> collection): a product's day is
    /// four counts, one a kind, and a product's first day the first count of its prefix.
    /// </summary>
    public string StatsDayKey { get; init; } = "";
    public double Confidence { get; init; }
    public double ConfidenceThreshold { get; init; }
    public double Sentiment { get; init; }
    public double LearningValue { get; init; }

    /// <summary>The learning value's terms: why this response would (or would not) teach the bot much.</summary>
    public LearningValue? Learning { get; init; }
    public ReviewPriority Priority { get; init; }
    public IReadOnlyList<ReviewTrigger> Triggers { get; init; } = [];
    public required string PolicyVersion { get; init; }
    public DateTime DecidedAt { get; init; }

    /// <summary>What the product's shadow policy would have decided, when one runs.</summary>
    public ShadowDecision? Shadow { get; init; }

    /// <summary>The first review's verdict once it is known: true when the reviewer edited or rejected the response.</summary>
    public bool? Corrected { get; init; }

    /// <summary>Different reviewers the review asked for; 0 when the response was not sent to review.</summary>
    public int RequiredReviews { get; init; }

    /// <summary>When the review is due; null when the response was not sent to review.</summary>
    public DateTime? DueBy { get; init; }

    /// <summary>
    /// Whether a review was asked for: to act on the response, or to audit it afterwards. The request itself is not
    /// kept: it is the response's text (which ReviewQueue holds) with this decision's reasons, rebuilt when needed.
    /// </summary>
    public bool SentToReview() => Outcome == RoutingOutcome.ReviewRequested || Audit;

    /// <summary>
    /// "{kind}\n{length of the product id}:{product id}\n{yyyy-MM-dd}". The length makes <see cref="StatsPrefixOf"/>
    /// exact: a product id may hold line breaks, and one product's prefix must never match another's keys.
    /// </summary>
    public static string StatsKeyOf(string kind, string productId, DateTime day) =>
        string.Create(CultureInfo.InvariantCulture, $"{StatsPrefixOf(kind, productId)}{day:yyyy-MM-dd}");

    /// <summary>The start of every key of the kind and product; of the kind alone when <paramref name="productId"/> is null.</summary>
    public static string StatsPrefixOf(string kind, string? productId) =>
        productId is null ? kind + "\n" : string.Create(CultureInfo.InvariantCulture, $"{kind}\n{productId.Length}:{productId}\n");

    /// <summary>The <see cref="StatsDayKey"/> of a decision with this outcome.</summary>
    public static string StatsKeyOf(RoutingOutcome outcome, bool audit, bool budgetSkipped, string productId, DateTime decidedAt) =>
        StatsKeyOf(KindOf(outcome, audit, budgetSkipped), productId, decidedAt);

    public static string KindOf(RoutingOutcome outcome, bool audit, bool budgetSkipped) =>
        outcome == RoutingOutcome.ReviewRequested ? StatsKinds.Review : audit ? StatsKinds.Audit : budgetSkipped ? StatsKinds.Skipped : StatsKinds.Approved;
}

/// <summary>The kinds of decision the stats count apart; every decision is exactly one.</summary>
public static class StatsKinds
{
    public const string Review = "review";
    public const string Audit = "audit";
    public const string Skipped = "skipped";
    public const string Approved = "approved";

    public static readonly IReadOnlyList<string> All = [Review, Audit, Skipped, Approved];
}
