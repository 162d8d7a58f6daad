using System.ComponentModel.DataAnnotations;

namespace HitlLoop.TrainingOrchestrator;

/// <summary>The "TrainingOrchestrator" section: when to ask for a retrain, and how datasets are split and served.</summary>
public sealed class TrainingOrchestratorOptions
{
    public const string Section = "TrainingOrchestrator";

    /// <summary>New accepted corrections (not yet in any snapshot) that trigger a retrain.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "TrainingOrchestrator:RetrainThreshold must be at least 1.")]
    public int RetrainThreshold { get; set; } = 100;

    /// <summary>New preference pairs (corrections that changed the answer) that trigger a retrain on their own.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "TrainingOrchestrator:PreferencePairThreshold must be at least 1.")]
    public int PreferencePairThreshold { get; set; } = 5_000;

    /// <summary>Share of examples held out for evaluation. Applied once per example, when it arrives.</summary>
    [Range(0.0, 0.5, ErrorMessage = "TrainingOrchestrator:EvalFraction must lie in 0..0.5.")]
    public double EvalFraction { get; set; } = 0.1;

    /// <summary>Where the ML team reaches this service; download URLs in <c>RetrainRequested</c> start here.</summary>
    [Required(ErrorMessage = "TrainingOrchestrator:PublicBaseUrl is required.")]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:5005");

    /// <summary>
    /// How long a replica's hold on a snapshot build lasts without renewal (it renews every 500 examples numbered);
    /// past it another replica finishes the build.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "TrainingOrchestrator:SnapshotLease must lie between 1 second and 1 day.")]
    public TimeSpan SnapshotLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the ML team has to report a model before an open request times out.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00", ErrorMessage = "TrainingOrchestrator:RetrainTimeout must lie between 1 second and 365 days.")]
    public TimeSpan RetrainTimeout { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Open requests (requested, acknowledged or training) beyond which the automatic triggers wait; a manual request does not.</summary>
    [Range(1, 100, ErrorMessage = "TrainingOrchestrator:MaxOpenRequests must lie in 1..100.")]
    public int MaxOpenRequests { get; set; } = 1;

    /// <summary>The least time between two automatically triggered requests.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00", ErrorMessage = "TrainingOrchestrator:Cooldown must lie between 0 and 30 days.")]
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The signals besides new examples that ask for a retrain.</summary>
    public Policy.TriggerOptions Triggers { get; set; } = new();

    /// <summary>What a retrained model must show on the frozen eval split to be promoted.</summary>
    public Evaluation.EvaluationGateOptions Gate { get; set; } = new();

    /// <summary>The model the first retrain starts from; afterwards the latest promoted model is used.</summary>
    public string? BaseModelVersion { get; set; }

    internal static bool HasUsableBaseUrl(TrainingOrchestratorOptions options) =>
        options.PublicBaseUrl is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
}
