using HitlLoop.Feedback;
using HitlLoop.Feedback.Corrections;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.Feedback;

public sealed class CorrectionValidatorTests
{
    private const string Original = "Refunds are only possible within 14 days of purchase.";
    private const string Rewritten = "Duplicate charges are always refunded in full, whatever the purchase date.";

    private static readonly CorrectionValidator Validator = new(Options.Create(new FeedbackOptions()));

    private static IEnumerable<string> Codes(CorrectionValidation validation) => validation.Rejections.Select(r => r.Code);

    [Test]
    public void A_real_rewrite_by_a_reviewer_without_agreement_data_is_accepted()
    {
        var validation = Validator.Validate(Original, Rewritten, reviewerAgreement: null);

        Assert.That(validation.IsAccepted, Is.True);
        Assert.That(validation.Similarity, Is.LessThan(0.95));
    }

    [Test]
    public void A_correction_above_0_95_similarity_is_rejected_as_too_similar()
    {
        // 21 characters with one changed: 20/21 ≈ 0.952.
        var validation = Validator.Validate("abcdefghijklmnopqrstu", "abcdefghijklmnopqrstX", null);

        Assert.That(Codes(validation), Is.EqualTo(new[] { RejectionCodes.TooSimilar }));
        Assert.That(validation.Rejections[0].Detail, Does.Contain("> 0.95"));
    }

    [Test]
    public void A_correction_at_exactly_0_95_similarity_is_accepted()
    {
        var validation = Validator.Validate("abcdefghijklmnopqrst", "abcdefghijklmnopqrsX", null);

        Assert.That(validation.Similarity, Is.EqualTo(0.95));
        Assert.That(validation.IsAccepted, Is.True);
    }

    [Test]
    public void A_correction_under_10_characters_after_trimming_is_rejected_as_too_short()
    {
        var validation = Validator.Validate(Original, "   No refund   ", null);

        Assert.That(Codes(validation), Is.EqualTo(new[] { RejectionCodes.TooShort }));
        Assert.That(validation.Rejections[0].Detail, Does.Contain("9 characters < 10"));
    }

    [Test]
    public void A_correction_of_exactly_10_characters_is_long_enough()
    {
        Assert.That(Validator.Validate(Original, "No refunds", null).IsAccepted, Is.True);
    }

    [Test]
    public void A_reviewer_with_agreement_below_0_7_is_rejected_as_unreliable()
    {
        var validation = Validator.Validate(Original, Rewritten, reviewerAgreement: 0.69);

        Assert.That(Codes(validation), Is.EqualTo(new[] { RejectionCodes.UnreliableReviewer }));
    }

    [Test]
    public void A_reviewer_with_agreement_of_exactly_0_7_is_trusted()
    {
        Assert.That(Validator.Validate(Original, Rewritten, reviewerAgreement: 0.7).IsAccepted, Is.True);
    }

    [Test]
    public void Every_failed_check_is_reported_not_just_the_first()
    {
        var validation = Validator.Validate("Ok.", "Ok!", reviewerAgreement: 0.2);

        Assert.That(Codes(validation), Is.EquivalentTo(new[] { RejectionCodes.TooShort, RejectionCodes.UnreliableReviewer }));
    }

    [Test]
    public void Thresholds_come_from_configuration()
    {
        var strict = new CorrectionValidator(Options.Create(new FeedbackOptions { MinCorrectionLength = 100 }));

        Assert.That(Codes(strict.Validate(Original, Rewritten, null)), Is.EqualTo(new[] { RejectionCodes.TooShort }));
    }
}
