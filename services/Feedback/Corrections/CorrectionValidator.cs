using System.Globalization;
using Microsoft.Extensions.Options;

namespace HitlLoop.Feedback.Corrections;

/// <summary>One reason a correction was rejected, e.g. code "too_similar" with detail "similarity 0.98 &gt; 0.95".</summary>
public sealed record CorrectionRejection
{
    public required string Code { get; init; }
    public required string Detail { get; init; }
}

public sealed record CorrectionValidation(double Similarity, IReadOnlyList<CorrectionRejection> Rejections)
{
    public bool IsAccepted => Rejections.Count == 0;
}

/// <summary>Decides whether a reviewer's correction is fit to train on; every failed check is reported, not just the first.</summary>
public sealed class CorrectionValidator(IOptions<FeedbackOptions> options)
{
    private readonly FeedbackOptions _options = options.Value;

    /// <param name="reviewerAgreement">
    /// The reviewer's measured agreement rate, or null while there is nothing to measure it on. Unknown agreement
    /// passes: refusing every correction from every new reviewer would starve the loop of data.
    /// </param>
    public CorrectionValidation Validate(string original, string corrected, double? reviewerAgreement)
    {
        var similarity = TextSimilarity.Ratio(original, corrected);
        var rejections = new List<CorrectionRejection>();

        if (similarity > _options.MaxSimilarity)
        {
            rejections.Add(Reject(RejectionCodes.TooSimilar, $"similarity {F(similarity)} > {F(_options.MaxSimilarity)}"));
        }

        var length = corrected.Trim().Length;
        if (length < _options.MinCorrectionLength)
        {
            rejections.Add(Reject(RejectionCodes.TooShort, $"corrected text has {length} characters < {_options.MinCorrectionLength}"));
        }

        if (reviewerAgreement is { } agreement && agreement < _options.MinReviewerAgreement)
        {
            rejections.Add(Reject(RejectionCodes.UnreliableReviewer, $"reviewer agreement {F(agreement)} < {F(_options.MinReviewerAgreement)}"));
        }

        return new CorrectionValidation(similarity, rejections);
    }

    private static CorrectionRejection Reject(string code, string detail) => new() { Code = code, Detail = detail };

    private static string F(double value) => value.ToString("0.00##", CultureInfo.InvariantCulture);
}
