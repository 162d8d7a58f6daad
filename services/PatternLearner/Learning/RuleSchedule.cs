namespace HitlLoop.PatternLearner.Learning;

/// <summary>
/// When a pattern's rule is (re-)derived: first when it reaches the minimum number of examples, then at every
/// further multiple of it, so a rule tracks its evidence without being rewritten on every single correction.
/// </summary>
public static class RuleSchedule
{
    /// <param name="derivedAtCount">Examples the current rule was derived from; 0 when there is no rule yet.</param>
    public static bool IsDue(int derivedAtCount, int exampleCount, int minExamples) =>
        exampleCount >= minExamples && exampleCount / minExamples > derivedAtCount / minExamples;
}
