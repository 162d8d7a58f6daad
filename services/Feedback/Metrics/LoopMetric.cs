using System.Globalization;

namespace HitlLoop.Feedback.Metrics;

/// <summary>Which way a metric should move.</summary>
public enum Better
{
    Lower,
    Higher,
}

/// <summary>
/// One of the loop's metrics and the seeds' target for it. Shares are in 0..1, times in seconds. The same names are
/// used by the HTTP answers, the <c>AlertRaised</c> events and (prefixed <c>hitl.loop.</c>) the OpenTelemetry gauges.
/// </summary>
public sealed record LoopMetric(string Name, string Target, double Limit, Better Better, string? Unit, string Description)
{
    public static readonly LoopMetric ReviewRate = new("review_rate", "< 10%", 0.10, Better.Lower, null, "share of responses a human looks at, as Router counts them (ReviewRateMeasured)");
    public static readonly LoopMetric CorrectionRate = new("correction_rate", "< 5% after 1,000 reviews", 0.05, Better.Lower, null, "share of reviews in which the reviewer changed the answer");
    public static readonly LoopMetric SameMistakeRate = new("same_mistake_rate", "< 1%", 0.01, Better.Lower, null, "share of responses repeating a mistake whose rule had shipped: PatternLearner's repeats (PatternRecurrenceMeasured) among Router's responses (ReviewRateMeasured)");
    public static readonly LoopMetric ReviewerAgreement = new("reviewer_agreement", "> 85%", 0.85, Better.Higher, null, "verdicts agreeing on items reviewed blind by more than one reviewer");
    public static readonly LoopMetric ReviewTimeP50 = new("review_time_p50", "< 2 min", 120, Better.Lower, "s", "median time to review");
    public static readonly LoopMetric ReviewTimeP90 = new("review_time_p90", "< 2 min", 120, Better.Lower, "s", "90th percentile of the time to review (nearest rank)");
    public static readonly LoopMetric PositiveFeedbackRate = new("positive_feedback_rate", "> 80%", 0.80, Better.Higher, null, "end users' positive reactions among the rated ones");
    public static readonly LoopMetric CorrectionToGuidanceP50 = new("correction_to_guidance_p50", "< 7 days", 7 * 86_400, Better.Lower, "s", "median time from a correction's acceptance to the first guidance that returned it (CorrectionFirstServed)");

    public static IReadOnlyList<LoopMetric> All { get; } =
        [ReviewRate, CorrectionRate, SameMistakeRate, ReviewerAgreement, ReviewTimeP50, ReviewTimeP90, PositiveFeedbackRate, CorrectionToGuidanceP50];

    /// <summary>The OpenTelemetry gauge: hitl.loop.review_rate, exported to Prometheus as hitl_loop_review_rate (with _seconds for times).</summary>
    public string Instrument => "hitl.loop." + Name;

    public bool Meets(double value) => Better == Better.Lower ? value < Limit : value > Limit;

    /// <summary>A change smaller than this (a twentieth of the limit) leaves the metric steady.</summary>
    public double SteadyWithin => Limit / 20;

    /// <summary>"improving", "worsening" or "steady" from <paramref name="previous"/> to <paramref name="latest"/>.</summary>
    public string TrendOf(double previous, double latest)
    {
        var change = latest - previous;
        if (Math.Abs(change) < SteadyWithin)
        {
            return Trends.Steady;
        }

        return (change < 0) == (Better == Better.Lower) ? Trends.Improving : Trends.Worsening;
    }

    public string Format(double value) => Unit == "s"
        ? string.Create(CultureInfo.InvariantCulture, $"{value:0.#} s")
        : string.Create(CultureInfo.InvariantCulture, $"{value:0.##%}");
}

public static class Trends
{
    public const string Improving = "improving";
    public const string Worsening = "worsening";
    public const string Steady = "steady";

    /// <summary>Fewer than two measured periods to compare.</summary>
    public const string Unknown = "unknown";
}

/// <summary>
/// A metric measured over a window: its value (null when nothing was measured), the items it rests on, and whether it
/// meets the target. <see cref="Breached"/> needs enough items to be more than noise.
/// </summary>
public sealed record MetricReading(string Metric, double? Value, long Samples, string Target, double Limit, bool? MeetsTarget, bool Breached, string? Note = null);
