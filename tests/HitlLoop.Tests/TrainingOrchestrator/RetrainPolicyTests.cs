using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Policy;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.TrainingOrchestrator;

public sealed class RetrainPolicyTests
{
    private static readonly RetrainPolicy Policy = new(Options.Create(new TrainingOrchestratorOptions()));

    [Test]
    public void When_99_new_corrections_wait_Should_not_retrain_yet() =>
        Assert.That(Policy.Evaluate(new PendingExamples(99, 99)), Is.Null);

    [Test]
    public void When_100_new_corrections_wait_Should_retrain_with_the_count_and_threshold_as_evidence()
    {
        var trigger = Policy.Evaluate(new PendingExamples(100, 80));

        Assert.That(trigger?.Reason, Is.EqualTo("correction_threshold"));
        Assert.That(trigger!.Evidence["newCorrections"], Is.EqualTo(100));
        Assert.That(trigger.Evidence["threshold"], Is.EqualTo(100));
    }

    [Test]
    public void When_5000_new_preference_pairs_wait_under_a_higher_correction_threshold_Should_retrain_for_dpo()
    {
        var policy = new RetrainPolicy(Options.Create(new TrainingOrchestratorOptions { RetrainThreshold = 10_000 }));

        Assert.That(policy.Evaluate(new PendingExamples(6_000, 5_000))?.Reason, Is.EqualTo("preference_pair_threshold"));
        Assert.That(policy.Evaluate(new PendingExamples(6_000, 4_999)), Is.Null);
    }

    [Test]
    public void A_manual_retrain_needs_at_least_one_new_correction()
    {
        Assert.That(RetrainPolicy.Manual(new PendingExamples(0, 0)), Is.Null);
        Assert.That(RetrainPolicy.Manual(new PendingExamples(1, 0))?.Reason, Is.EqualTo("manual"));
    }
}
