namespace HitlLoop.Router.Policy;

/// <summary>The reasons a response can be sent to review; stable strings that reach reviewers and metrics.</summary>
public static class TriggerCodes
{
    public const string LowConfidence = "low_confidence";
    public const string NegativeSentiment = "negative_sentiment";
    public const string EscalationRequested = "escalation_requested";
    public const string HighValueAccount = "high_value_account";
    public const string CommitteeDisagreement = "committee_disagreement";
    public const string RandomAudit = "random_audit";
    public const string UserNegativeFeedback = "user_negative_feedback";
    public const string KnownMistake = "known_mistake";
    public const string NovelInput = "novel_input";

    /// <summary>Every code, for checking the ones a policy turns off.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        LowConfidence, NegativeSentiment, EscalationRequested, HighValueAccount, CommitteeDisagreement, RandomAudit, UserNegativeFeedback, KnownMistake, NovelInput,
    };
}
