using HitlLoop.Contracts;

namespace HitlLoop.Feedback.Agreement;

/// <summary>How the verdicts of an item's reviewers decide it.</summary>
public enum ConsensusRule
{
    /// <summary>A verdict more than half of the reviewers gave decides; a tie is a disagreement.</summary>
    Majority,

    /// <summary>Only a verdict every reviewer gave decides: the rule for training data.</summary>
    Unanimous,
}

/// <summary>Where an item stands once all its reviews are in.</summary>
public enum ConsensusStatus
{
    /// <summary>The reviewers' verdicts decided it under the rule.</summary>
    Agreed,

    /// <summary>They did not: a lead decides, and nothing of it trains the bot until then.</summary>
    Disputed,

    /// <summary>A lead decided it.</summary>
    Adjudicated,
}

public static class Consensus
{
    /// <summary>The verdict the rule draws from <paramref name="verdicts"/>, or null when they disagree under it.</summary>
    public static ReviewVerdict? Decide(IReadOnlyList<ReviewVerdict> verdicts, ConsensusRule rule)
    {
        if (verdicts.Count == 0)
        {
            return null;
        }

        var (verdict, votes) = verdicts.GroupBy(v => v).Select(g => (g.Key, g.Count())).MaxBy(g => g.Item2);
        return rule switch
        {
            ConsensusRule.Unanimous => votes == verdicts.Count ? verdict : null,
            _ => votes * 2 > verdicts.Count ? verdict : null,
        };
    }
}
