namespace HitlLoop.Feedback.Corrections;

/// <summary>Why a correction was not accepted as training data; stable strings stored with each review.</summary>
public static class RejectionCodes
{
    public const string TooSimilar = "too_similar";
    public const string TooShort = "too_short";
    public const string UnreliableReviewer = "unreliable_reviewer";
}
