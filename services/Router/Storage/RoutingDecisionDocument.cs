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
    /// What the stats count this decision as, then its product: "review", "audit", "skipped" or "approved", a line
    /// break, the product id. One index on it answers every count the stats need, per product or for all.
    /// </summary>
    public string StatsKey { get; init; } = "";
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

    public static string StatsKeyOf(string kind, string productId) => kind + "\n" + productId;

    /// <summary>The <see cref="StatsKey"/> of a decision with this outcome.</summary>
    public static string StatsKeyOf(RoutingOutcome outcome, bool audit, bool budgetSkipped, string productId) =>
        StatsKeyOf(outcome == RoutingOutcome.ReviewRequested ? StatsKinds.Review : audit ? StatsKinds.Audit : budgetSkipped ? StatsKinds.Skipped : StatsKinds.Approved, productId);
}

/// <summary>The kinds of decision the stats count apart; every decision is exactly one.</summary>
public static class StatsKinds
{
    public const string Review = "review";
    public const string Audit = "audit";
    public const string Skipped = "skipped";
    public const string Approved = "approved";
}
