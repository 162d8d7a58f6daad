using HitlLoop.Feedback.Agreement;

namespace HitlLoop.Tests.Feedback;

public sealed class AgreementCoefficientsTests
{
    /// <summary>
    /// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for Communication,
    /// University of Pennsylvania, section C: four observers, twelve units, values 1..5, some missing; nominal α = 0.743.
    /// </summary>
    [Test]
    public void Alpha_matches_Krippendorff_2011_nominal_example_with_missing_values()
    {
        int?[] a = [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null];
        int?[] b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3];
        int?[] c = [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null];
        int?[] d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null];
        var units = Enumerable.Range(0, 12)
            .Select(i => (IReadOnlyList<int>)new[] { a[i], b[i], c[i], d[i] }.OfType<int>().ToList())
            .ToList();

        Assert.That(AgreementCoefficients.KrippendorffAlphaNominal(units), Is.EqualTo(0.743).Within(0.0005));
    }

    /// <summary>The same paper, section A: two observers, ten units, binary values; α = 0.095.</summary>
    [Test]
    public void Alpha_matches_Krippendorff_2011_binary_two_observer_example()
    {
        int[] a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        int[] b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];

        var alpha = AgreementCoefficients.KrippendorffAlphaNominal(a.Zip(b, (x, y) => (IReadOnlyList<int>)[x, y]));

        Assert.That(alpha, Is.EqualTo(0.095).Within(0.0005));
        Assert.That(AgreementCoefficients.RawAgreement(a.Zip(b, (x, y) => (IReadOnlyList<int>)[x, y])), Is.EqualTo(0.6).Within(1e-12));
    }

    /// <summary>
    /// The worked example of the Wikipedia article "Cohen's kappa": 50 grant proposals read by two readers, 20 both
    /// yes, 15 both no, 5 yes/no, 10 no/yes; p_o = 0.7, p_e = 0.5, κ = 0.4.
    /// </summary>
    [Test]
    public void Kappa_matches_the_grant_proposal_worked_example()
    {
        var units = Enumerable.Repeat(("yes", "yes"), 20)
            .Concat(Enumerable.Repeat(("yes", "no"), 5))
            .Concat(Enumerable.Repeat(("no", "yes"), 10))
            .Concat(Enumerable.Repeat(("no", "no"), 15))
            .ToList();

        Assert.That(AgreementCoefficients.CohenKappa(units), Is.EqualTo(0.4).Within(1e-12));
        Assert.That(AgreementCoefficients.RawAgreement(units.Select(u => (IReadOnlyList<string>)[u.Item1, u.Item2])), Is.EqualTo(0.7).Within(1e-12));
    }

    [Test]
    public void Full_agreement_is_one_and_agreement_at_chance_level_is_zero()
    {
        (string, string)[] same = [("approved", "approved"), ("edited", "edited"), ("rejected", "rejected")];
        (string, string)[] chance = [("approved", "approved"), ("approved", "edited"), ("edited", "approved"), ("edited", "edited")];

        Assert.Multiple(() =>
        {
            Assert.That(AgreementCoefficients.CohenKappa(same), Is.EqualTo(1).Within(1e-12));
            Assert.That(AgreementCoefficients.KrippendorffAlphaNominal(same.Select(u => (IReadOnlyList<string>)[u.Item1, u.Item2])), Is.EqualTo(1).Within(1e-12));
            Assert.That(AgreementCoefficients.CohenKappa(chance), Is.EqualTo(0).Within(1e-12));
        });
    }

    [Test]
    public void Without_pairs_or_without_variation_the_coefficients_are_undefined_not_zero()
    {
        IReadOnlyList<string>[] lone = [["approved"], ["edited"]];
        IReadOnlyList<string>[] uniform = [["approved", "approved"], ["approved", "approved", "approved"]];

        Assert.Multiple(() =>
        {
            Assert.That(AgreementCoefficients.RawAgreement(lone), Is.Null);
            Assert.That(AgreementCoefficients.KrippendorffAlphaNominal(lone), Is.Null);
            Assert.That(AgreementCoefficients.KrippendorffAlphaNominal(uniform), Is.Null);
            Assert.That(AgreementCoefficients.RawAgreement(uniform), Is.EqualTo(1));
            Assert.That(AgreementCoefficients.CohenKappa<string>([]), Is.Null);
            Assert.That(AgreementCoefficients.CohenKappa([("approved", "approved")]), Is.Null);
        });
    }
}
