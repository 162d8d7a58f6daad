using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Policy;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.Router;

public sealed class RoutingPolicyTests
{
    private static RoutingPolicy Policy(Action<RouterOptions>? configure = null)
    {
        var options = new RouterOptions { AuditSampleRate = 0 };
        configure?.Invoke(options);
        return new RoutingPolicy(Options.Create(options));
    }

    private static ResponseScored Scored(double confidence, string id = "r-1", string product = "support-bot") => new()
    {
        ResponseId = id,
        ProductId = product,
        Confidence = confidence,
    };

    [Test]
    public void When_confidence_is_below_the_threshold_Should_request_a_high_priority_review()
    {
        var decision = Policy().Decide(Scored(0.42));

        Assert.Multiple(() =>
        {
            Assert.That(decision.NeedsReview, Is.True);
            Assert.That(decision.Triggers.Select(t => t.Code), Is.EqualTo(new[] { TriggerCodes.LowConfidence }));
            Assert.That(decision.Priority, Is.EqualTo(ReviewPriority.High));
        });
    }

    [Test]
    public void When_confidence_clears_the_threshold_Should_auto_approve()
    {
        var decision = Policy().Decide(Scored(0.95));

        Assert.That(decision.NeedsReview, Is.False);
        Assert.That(decision.Triggers, Is.Empty);
    }

    [Test]
    public void A_product_threshold_overrides_the_default()
    {
        var policy = Policy(o => o.Products["lenient-bot"] = new ProductPolicyOptions { ConfidenceThreshold = 0.5 });

        Assert.That(policy.Decide(Scored(0.6, product: "lenient-bot")).NeedsReview, Is.False);
        Assert.That(policy.Decide(Scored(0.6, product: "support-bot")).NeedsReview, Is.True);
    }

    [Test]
    public void An_escalation_request_is_urgent_even_when_confident()
    {
        var decision = Policy().Decide(Scored(0.99) with { EscalationRequested = true });

        Assert.That(decision.Priority, Is.EqualTo(ReviewPriority.Urgent));
        Assert.That(decision.Triggers.Select(t => t.Code), Does.Contain(TriggerCodes.EscalationRequested));
    }

    [Test]
    public void Negative_sentiment_below_minus_0_3_requests_review()
    {
        Assert.That(Policy().Decide(Scored(0.99) with { Sentiment = -0.31 }).NeedsReview, Is.True);
        Assert.That(Policy().Decide(Scored(0.99) with { Sentiment = -0.3 }).NeedsReview, Is.False);
    }

    [Test]
    public void A_high_value_account_requests_review()
    {
        var response = Scored(0.99) with { Context = new ResponseContext { Account = new AccountAttributes { Value = 250_000m } } };

        Assert.That(Policy().Decide(response).Triggers.Select(t => t.Code), Is.EqualTo(new[] { TriggerCodes.HighValueAccount }));
    }

    [Test]
    public void Committee_disagreement_requests_review()
    {
        var response = Scored(0.99) with { CommitteeScores = new Dictionary<string, double> { ["a"] = 0.9, ["b"] = 0.4 } };

        Assert.That(Policy().Decide(response).Triggers.Select(t => t.Code), Is.EqualTo(new[] { TriggerCodes.CommitteeDisagreement }));
    }

    [Test]
    public void The_random_audit_samples_about_5_percent_of_confident_responses_and_always_the_same_ones()
    {
        var policy = Policy(o => o.AuditSampleRate = 0.05);
        var audited = Enumerable.Range(0, 10_000)
            .Select(i => Scored(0.99, id: $"resp-{i}"))
            .Where(r => policy.Decide(r).IsAudit)
            .Select(r => r.ResponseId)
            .ToList();
        var again = audited.Where(id => policy.Decide(Scored(0.99, id: id)).IsAudit).ToList();

        Assert.That(audited, Has.Count.InRange(400, 600));
        Assert.That(again, Is.EqualTo(audited));
    }

    [Test]
    public void Learning_value_weighs_uncertainty_0_4_novelty_0_3_impact_0_2_diversity_0_1()
    {
        Assert.That(Policy().Decide(Scored(0.0)).LearningValue, Is.EqualTo(0.4).Within(1e-9));
        Assert.That(new LearningValue(1, 1, 1, 1).Value, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(new LearningValue(0, 1, 0, 0).Value, Is.EqualTo(0.3).Within(1e-9));
        Assert.That(new LearningValue(0, 0, 1, 0).Value, Is.EqualTo(0.2).Within(1e-9));
        Assert.That(new LearningValue(0, 0, 0, 1).Value, Is.EqualTo(0.1).Within(1e-9));
    }

    [Test]
    public void The_policy_version_changes_with_a_threshold()
    {
        var first = Policy().Version;
        var second = Policy().Version;

        Assert.That(second, Is.EqualTo(first));
        Assert.That(Policy(o => o.DefaultConfidenceThreshold = 0.8).Version, Is.Not.EqualTo(first));
    }

    [TestCase(-0.1)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void A_confidence_outside_0_to_1_is_invalid(double confidence)
    {
        Assert.That(ResponseScoredValidator.Problems(Scored(confidence)), Has.Some.Contains("confidence"));
    }

    [Test]
    public void A_missing_response_id_is_invalid()
    {
        Assert.That(ResponseScoredValidator.Problems(Scored(0.5, id: "")), Has.Some.Contains("responseId"));
    }

    [Test]
    public void Audits_and_committee_disagreements_ask_two_reviewers_and_everything_else_one()
    {
        var policy = Policy(o => o.AuditSampleRate = 1);
        var audited = policy.Decide(Scored(0.95));
        var disputed = policy.Decide(Scored(0.95) with { CommitteeScores = new Dictionary<string, double> { ["a"] = 0.9, ["b"] = 0.2 } });
        var unsure = policy.Decide(Scored(0.4));

        Assert.That((audited.RequiredReviews, disputed.RequiredReviews, unsure.RequiredReviews), Is.EqualTo((2, 2, 1)));
    }

    [Test]
    public void A_product_can_ask_for_a_different_number_of_agreement_reviews()
    {
        var policy = Policy(o =>
        {
            o.AuditSampleRate = 1;
            o.Products["faq-bot"] = new ProductPolicyOptions { AgreementReviews = 3 };
            o.Products["cheap-bot"] = new ProductPolicyOptions { AgreementReviews = 1 };
        });

        Assert.That(policy.Decide(Scored(0.95, product: "faq-bot")).RequiredReviews, Is.EqualTo(3));
        Assert.That(policy.Decide(Scored(0.95, product: "cheap-bot")).RequiredReviews, Is.EqualTo(1));
        Assert.That(policy.Decide(Scored(0.95, product: "support-bot")).RequiredReviews, Is.EqualTo(2));
    }
}
