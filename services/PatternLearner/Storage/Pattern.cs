using HitlLoop.Contracts;
using HitlLoop.PatternLearner.Learning;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.PatternLearner.Storage;

/// <summary>A recurring kind of correction within one product and category, and the rule learned from it once it recurs enough.</summary>
public sealed record Pattern : IHasOutbox<Pattern>
{
    /// <summary>"{product}:{category or any}:{pattern type}".</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public string? Category { get; init; }
    public required string PatternType { get; init; }
    public int ExampleCount { get; init; }

    /// <summary>Correction ids, newest first.</summary>
    public IReadOnlyList<string> RecentExampleIds { get; init; } = [];

    /// <summary>Null until the pattern has enough examples.</summary>
    public PatternRule? Rule { get; init; }

    /// <summary>How a response repeating the mistake looks, derived with the rule; null when the response cannot show it.</summary>
    public PatternSignature? Signature { get; init; }

    /// <summary>Who wrote the rule's text: "template", "llm:{model}" or "lead:{name}" (see RuleSources).</summary>
    public string RuleSource { get; init; } = RuleSources.Template;

    /// <summary>A lead approved the rule as it reads (its version is <see cref="ApprovedVersion"/>).</summary>
    public string? ApprovedBy { get; init; }

    public int? ApprovedVersion { get; init; }

    /// <summary>A lead retired the rule: it is no longer served, and its mistakes no longer count as repeats.</summary>
    public bool Retired { get; init; }

    public string? RetiredBy { get; init; }

    /// <summary>0 without a rule; each re-derivation adds one.</summary>
    public int RuleVersion { get; init; }

    /// <summary>How many examples the current rule was derived from.</summary>
    public int RuleExampleCount { get; init; }

    /// <summary>The correction whose arrival produced the current rule: its redelivery re-publishes the rule.</summary>
    public string? LearnedFromCorrectionId { get; init; }

    public DateTime? LearnedAt { get; init; }

    /// <summary>When the pattern's first rule shipped: a correction accepted after it that falls in the pattern repeats the mistake.</summary>
    public DateTime? FirstLearnedAt { get; init; }

    /// <summary>False once the rule's mistakes keep recurring; set again by each measurement.</summary>
    public bool Working { get; init; } = true;

    /// <summary>Repeats in the last measurement's window.</summary>
    public long RecentRepeats { get; init; }

    public DateTime UpdatedAt { get; init; }

    /// <summary>Announcements of a lead's change to the rule, kept with it until they are published.</summary>
    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];

    public bool OutboxPending { get; init; }

    public Pattern WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };

    /// <summary>Whether a rule is served to products (and so a mistake of this kind, made again, is a repeat).</summary>
    public bool Serves => RuleVersion > 0 && !Retired;

    /// <summary>Whether guidance serves the rule: it must be in force and, where leads approve rules first, approved as it reads.</summary>
    public bool ServedUnder(bool requireApproval) => Serves && (!requireApproval || ApprovedVersion == RuleVersion);

    public static string IdFor(string productId, string? category, string patternType) => $"{productId}:{category ?? "any"}:{patternType}";

    public PatternLearned ToEvent() => new()
    {
        PatternId = Id,
        PatternType = PatternType,
        ProductId = ProductId,
        Category = Category,
        Rule = Rule ?? throw new InvalidOperationException($"Pattern {Id} has no rule to announce."),
        Signature = Signature,
        ExampleCount = RuleExampleCount,
        Version = RuleVersion,
        Retired = Retired,
        Source = RuleSource,
        LearnedAt = new DateTimeOffset(DateTime.SpecifyKind(LearnedAt ?? UpdatedAt, DateTimeKind.Utc)),
    };
}
