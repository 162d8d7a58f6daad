using Microsoft.Extensions.Options;

namespace HitlLoop.TrainingOrchestrator.Policy;

/// <summary>Examples accepted since the last snapshot: the evidence a retrain decision rests on.</summary>
public sealed record PendingExamples(long Corrections, long PreferencePairs);

/// <summary>Why a retrain was requested, with the numbers that made it so.</summary>
public sealed record RetrainTrigger(string Reason, IReadOnlyDictionary<string, double> Evidence, string? ProductId = null);

/// <summary>Trigger reasons as the ML team sees them in <c>RetrainRequested.TriggerReason</c>.</summary>
public static class TriggerReasons
{
    public const string CorrectionThreshold = "correction_threshold";
    public const string PreferencePairThreshold = "preference_pair_threshold";
    public const string Manual = "manual";

    /// <summary>End users' reactions to a product turned negative (seed 003's MUST).</summary>
    public const string NegativeFeedback = "negative_feedback";

    /// <summary>A retrained model did worse than the one serving on the frozen eval split.</summary>
    public const string EvaluationRegression = "evaluation_regression";

    /// <summary>Mistakes whose rules had shipped keep recurring: what the product gets wrong has shifted.</summary>
    public const string PatternShift = "pattern_shift";
}

/// <summary>
/// A signal from outside the new examples that a retrain is due, with what it rests on. <see cref="EvidenceKey"/>
/// names the evidence (a product's day, a model): the same evidence never sets off two requests.
/// </summary>
public sealed record SignalTrigger(string Reason, string? ProductId, string EvidenceKey, IReadOnlyDictionary<string, double> Evidence);

/// <summary>
/// When new golden data is worth a retrain: enough new accepted corrections (100 by default), or enough new
/// preference pairs for DPO (5,000), or a person asking for it.
/// </summary>
public sealed class RetrainPolicy(IOptions<TrainingOrchestratorOptions> options)
{
    /// <returns>The trigger that fires, or null when the new data does not justify a retrain yet.</returns>
    public RetrainTrigger? Evaluate(PendingExamples pending)
    {
        var settings = options.Value;
        if (pending.Corrections >= settings.RetrainThreshold)
        {
            return new RetrainTrigger(TriggerReasons.CorrectionThreshold, Evidence(pending, settings.RetrainThreshold));
        }

        if (pending.PreferencePairs >= settings.PreferencePairThreshold)
        {
            return new RetrainTrigger(TriggerReasons.PreferencePairThreshold, Evidence(pending, settings.PreferencePairThreshold));
        }

        return null;
    }

    /// <returns>A manual trigger, or null when nothing new arrived since the last snapshot (it would retrain on the same data).</returns>
    public static RetrainTrigger? Manual(PendingExamples pending) =>
        pending.Corrections > 0
            ? new RetrainTrigger(TriggerReasons.Manual, new Dictionary<string, double>
            {
                ["newCorrections"] = pending.Corrections,
                ["newPreferencePairs"] = pending.PreferencePairs,
            })
            : null;

    private static Dictionary<string, double> Evidence(PendingExamples pending, int threshold) => new()
    {
        ["newCorrections"] = pending.Corrections,
        ["newPreferencePairs"] = pending.PreferencePairs,
        ["threshold"] = threshold,
    };
}
