using System.Globalization;

namespace HitlLoop.Router.Signals;

/// <summary>
/// One kind of response's confidence threshold as the Router has calibrated it from reviewers' verdicts, with the
/// evidence gathered since the last change and every change made (the latest <see cref="ChangesKept"/>).
/// </summary>
/// <remarks>
/// Two measures move it. Reviews in the band just under the threshold: while reviewers correct few of those, the
/// threshold relaxes a step towards the floor (fewer reviews); when they correct many, it tightens a step. Audits of
/// auto-approved responses above it: when too many of those were wrong, it tightens. Each step needs its minimum of
/// evidence, and the evidence starts again after every step.
/// </remarks>
public sealed record ThresholdCalibration : ISignal
{
    public const int ChangesKept = 500;

    /// <summary>Review ids remembered, so a redelivered review counts once.</summary>
    public const int ReviewIdsKept = 200;

    /// <summary>The kind (<see cref="ResponseKind.KeyOf"/>).</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public string? Category { get; init; }
    public required double Threshold { get; init; }

    public int BandReviews { get; init; }
    public int BandCorrections { get; init; }
    public int Audits { get; init; }
    public int AuditsWrong { get; init; }

    public IReadOnlyList<string> RecentReviewIds { get; init; } = [];
    public IReadOnlyList<ThresholdChange> Changes { get; init; } = [];
    public DateTime UpdatedAt { get; init; }

    public static ThresholdCalibration Start(string productId, string? category, double threshold) => new()
    {
        Id = ResponseKind.KeyOf(productId, category),
        ProductId = productId,
        Category = ResponseKind.CategoryOf(category),
        Threshold = threshold,
    };

    /// <summary>
    /// The calibration with one first review counted, and a step taken if the evidence now calls for one; null when
    /// the review was counted before or tells nothing about the threshold.
    /// </summary>
    /// <param name="confidence">The reviewed response's confidence.</param>
    /// <param name="audit">Whether it was an audit of an auto-approved response.</param>
    /// <param name="corrected">Whether the reviewer edited or rejected it.</param>
    public ThresholdCalibration? With(string reviewId, double confidence, bool audit, bool corrected, DateTime at, CalibrationOptions options)
    {
        var inBand = !audit && confidence < Threshold && confidence >= Threshold - options.Band;
        if ((!audit && !inBand) || RecentReviewIds.Contains(reviewId))
        {
            return null;
        }

        var counted = this with
        {
            Version = Version + 1,
            RecentReviewIds = [.. RecentReviewIds.Append(reviewId).TakeLast(ReviewIdsKept)],
            BandReviews = BandReviews + (inBand ? 1 : 0),
            BandCorrections = BandCorrections + (inBand && corrected ? 1 : 0),
            Audits = Audits + (audit ? 1 : 0),
            AuditsWrong = AuditsWrong + (audit && corrected ? 1 : 0),
            UpdatedAt = at > UpdatedAt ? at : UpdatedAt,
        };
        return counted.Step(at, options) ?? counted;
    }

    private ThresholdCalibration? Step(DateTime at, CalibrationOptions options)
    {
        if (Audits >= options.MinAudits && Rate(AuditsWrong, Audits) > options.TargetAuditMissRate)
        {
            return Move(Threshold + options.Step, "tightened", $"{AuditsWrong} of {Audits} audited auto-approvals were corrected ({P(Rate(AuditsWrong, Audits))} > {P(options.TargetAuditMissRate)})", at, options);
        }

        if (BandReviews < options.MinReviews)
        {
            return null;
        }

        var rate = Rate(BandCorrections, BandReviews);
        var band = $"{BandCorrections} of {BandReviews} reviews in {F(Threshold - options.Band)}..{F(Threshold)} were corrected";
        return rate < options.TargetCorrectionRate
            ? Move(Threshold - options.Step, "relaxed", $"{band} ({P(rate)} < {P(options.TargetCorrectionRate)})", at, options)
            : rate > options.TargetCorrectionRate
                ? Move(Threshold + options.Step, "tightened", $"{band} ({P(rate)} > {P(options.TargetCorrectionRate)})", at, options)
                : Restart();
    }

    /// <summary>Moves to <paramref name="target"/> within floor and ceiling; the evidence starts again either way.</summary>
    private ThresholdCalibration Move(double target, string direction, string evidence, DateTime at, CalibrationOptions options)
    {
        var to = Math.Round(Math.Clamp(target, options.Floor, options.Ceiling), 4);
        if (to == Threshold)
        {
            return Restart();
        }

        var change = new ThresholdChange(Threshold, to, direction, evidence, at);
        return Restart() with { Threshold = to, Changes = [.. Changes.Append(change).TakeLast(ChangesKept)] };
    }

    private ThresholdCalibration Restart() => this with { BandReviews = 0, BandCorrections = 0, Audits = 0, AuditsWrong = 0 };

    private static double Rate(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string P(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);
}

/// <summary>A step of the threshold, with what called for it.</summary>
public sealed record ThresholdChange(double From, double To, string Direction, string Evidence, DateTime At);
