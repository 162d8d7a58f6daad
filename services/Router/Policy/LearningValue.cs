namespace HitlLoop.Router.Policy;

/// <summary>
/// How much a human answer to this response would teach the bot: uncertainty 0.4, novelty 0.3, impact 0.2,
/// diversity 0.1, each term in 0..1 and kept with the decision so it can be explained.
/// </summary>
/// <param name="Uncertainty">1 − the product's confidence.</param>
/// <param name="Novelty">How unlike the product's earlier queries the query is (0 until it has enough of them).</param>
/// <param name="Impact">An escalation, or the account's value against the high-value threshold.</param>
/// <param name="Diversity">1 for a topic review has not covered yet, falling as its reviews add up.</param>
public sealed record LearningValue(double Uncertainty, double Novelty, double Impact, double Diversity)
{
    public const double UncertaintyWeight = 0.4;
    public const double NoveltyWeight = 0.3;
    public const double ImpactWeight = 0.2;
    public const double DiversityWeight = 0.1;

    /// <summary>The weighted sum, 0..1.</summary>
    public double Value =>
        (UncertaintyWeight * Clamp(Uncertainty))
        + (NoveltyWeight * Clamp(Novelty))
        + (ImpactWeight * Clamp(Impact))
        + (DiversityWeight * Clamp(Diversity));

    private static double Clamp(double value) => Math.Clamp(value, 0, 1);
}
