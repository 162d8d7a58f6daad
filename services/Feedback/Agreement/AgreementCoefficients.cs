namespace HitlLoop.Feedback.Agreement;

/// <summary>
/// How far reviewers agree on nominal labels (verdicts, say). A unit is one item with the labels its reviewers gave
/// it; a missing review is simply absent, so units may hold different numbers of labels.
/// </summary>
public static class AgreementCoefficients
{
    /// <summary>
    /// The share of pairs of labels given to the same unit that are equal, over every unit with two labels or more;
    /// null when there is no such pair.
    /// </summary>
    public static double? RawAgreement<T>(IEnumerable<IReadOnlyList<T>> units)
        where T : notnull
    {
        double pairs = 0, agreeing = 0;
        foreach (var unit in units)
        {
            if (unit.Count < 2)
            {
                continue;
            }

            pairs += unit.Count * (unit.Count - 1) / 2.0;
            foreach (var count in CountsOf(unit).Values)
            {
                agreeing += count * (count - 1) / 2.0;
            }
        }

        return pairs == 0 ? null : agreeing / pairs;
    }

    /// <summary>
    /// Cohen's kappa of two raters who each labelled every unit: observed agreement corrected for the agreement
    /// their own label frequencies would give by chance, (p<sub>o</sub> − p<sub>e</sub>) / (1 − p<sub>e</sub>).
    /// Null when there are no units, or when chance alone agrees fully (both gave one and the same label throughout).
    /// </summary>
    public static double? CohenKappa<T>(IReadOnlyList<(T First, T Second)> units)
        where T : notnull
    {
        if (units.Count == 0)
        {
            return null;
        }

        var first = new Dictionary<T, int>();
        var second = new Dictionary<T, int>();
        var agreed = 0;
        foreach (var (a, b) in units)
        {
            first[a] = first.GetValueOrDefault(a) + 1;
            second[b] = second.GetValueOrDefault(b) + 1;
            agreed += EqualityComparer<T>.Default.Equals(a, b) ? 1 : 0;
        }

        double n = units.Count;
        var observed = agreed / n;
        var chance = first.Sum(f => f.Value / n * (second.GetValueOrDefault(f.Key) / n));
        return chance >= 1 ? null : (observed - chance) / (1 - chance);
    }

    /// <summary>
    /// Krippendorff's alpha for nominal labels, any number of raters, missing labels allowed: 1 − D<sub>o</sub>/D<sub>e</sub>
    /// from the coincidence of labels within units. Units with a single label cannot be paired and are left out.
    /// Null when fewer than two labels can be paired, or when every paired label is the same (no variation to agree on).
    /// </summary>
    public static double? KrippendorffAlphaNominal<T>(IEnumerable<IReadOnlyList<T>> units)
        where T : notnull
    {
        // n: pairable labels; each value's total n_c; and the coincidences of a value with itself, o_cc.
        double n = 0, sameCoincidences = 0;
        var totals = new Dictionary<T, double>();
        foreach (var unit in units)
        {
            if (unit.Count < 2)
            {
                continue;
            }

            n += unit.Count;
            foreach (var (value, count) in CountsOf(unit))
            {
                totals[value] = totals.GetValueOrDefault(value) + count;
                sameCoincidences += count * (count - 1) / (double)(unit.Count - 1);
            }
        }

        var expectedDisagreement = (n * n) - totals.Values.Sum(t => t * t);
        if (n < 2 || expectedDisagreement <= 0)
        {
            return null;
        }

        return 1 - ((n - 1) * (n - sameCoincidences) / expectedDisagreement);
    }

    private static Dictionary<T, int> CountsOf<T>(IReadOnlyList<T> unit)
        where T : notnull
    {
        var counts = new Dictionary<T, int>();
        foreach (var label in unit)
        {
            counts[label] = counts.GetValueOrDefault(label) + 1;
        }

        return counts;
    }
}
