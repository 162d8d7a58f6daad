namespace HitlLoop.Router.Policy;

/// <summary>
/// How much a human answer to this response would teach the bot: uncertainty 0.4, novelty 0.3, impact 0.2,
/// diversity 0.1, each signal in 0..1.
/// </summary>
public static class LearningValue
{
    public const double UncertaintyWeight = 0.4;
    public const double NoveltyWeight = 0.3;
    public const double ImpactWeight = 0.2;
    public const double DiversityWeight = 0.1;

    public static double Compute(double uncertainty, double novelty, double impact, double diversity) =>
        (UncertaintyWeight * Clamp(uncertainty))
        + (NoveltyWeight * Clamp(novelty))
        + (ImpactWeight * Clamp(impact))
        + (DiversityWeight * Clamp(diversity));

    private static double Clamp(double value) => Math.Clamp(value, 0, 1);
}
