namespace HitlLoop.PatternLearner.Learning;

/// <summary>Kinds of correction a pattern is made of; stable strings in pattern ids, events and the guidance API.</summary>
public static class PatternTypes
{
    public const string ToneAdjustment = "tone_adjustment";
    public const string OverVerbose = "over_verbose";
    public const string UnderDetailed = "under_detailed";
    public const string MissingContent = "missing_content";
    public const string RemovedContent = "removed_content";
    public const string WrongClaim = "wrong_claim";
}
