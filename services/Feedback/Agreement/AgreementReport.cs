using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;

namespace HitlLoop.Feedback.Agreement;

/// <summary>
/// The coefficients over a set of fully reviewed items, on their verdicts. Kappa needs two raters: it pairs each
/// two-review item's first review with its second (<see cref="KappaItems"/> says how many items it rests on).
/// </summary>
public sealed record AgreementFigures(long Items, double? RawAgreement, double? KrippendorffAlpha, double? CohenKappa, long KappaItems)
{
    public static AgreementFigures None { get; } = new(0, null, null, null, 0);

    public static AgreementFigures Of(IReadOnlyCollection<ReviewedItem> items)
    {
        var units = items.Select(i => i.Verdicts()).ToList();
        var twoReviews = items.Where(i => i.Reviews.Count == 2).Select(i => (i.Reviews[0].Verdict, i.Reviews[1].Verdict)).ToList();
        return new AgreementFigures(
            items.Count,
            AgreementCoefficients.RawAgreement(units),
            AgreementCoefficients.KrippendorffAlphaNominal(units),
            AgreementCoefficients.CohenKappa(twoReviews),
            twoReviews.Count);
    }
}

/// <summary>One UTC day's items and their coefficients.</summary>
public sealed record AgreementDay(DateOnly Date, long Items, double? RawAgreement, double? KrippendorffAlpha, double? CohenKappa);

/// <summary>A reviewer's agreement with peers over the report's items: pairs of verdicts, and the share that agree.</summary>
public sealed record ReviewerAgreementRow(string ReviewerId, long Items, long Pairs, double? Agreement);

/// <summary>
/// Agreement on one label of the reviewers' label sets: each reviewer of each item either gave it or did not.
/// <see cref="Items"/> counts the items at least one reviewer gave it to.
/// </summary>
public sealed record LabelAgreement(string Label, long Items, double? RawAgreement, double? KrippendorffAlpha);

/// <summary>Two reviewers who reviewed the same items, with Cohen's kappa between them.</summary>
public sealed record ReviewerPairAgreement(string First, string Second, long SharedItems, double? RawAgreement, double? CohenKappa);

/// <summary>Reviewer agreement for a product (or all) over the last days: overall, per day, per reviewer and per pair of reviewers.</summary>
public sealed record AgreementReport(
    string? ProductId,
    int Days,
    bool Truncated,
    AgreementFigures Overall,
    string Target,
    bool? MeetsTarget,
    IReadOnlyList<AgreementDay> Daily,
    IReadOnlyList<ReviewerAgreementRow> Reviewers,
    IReadOnlyList<ReviewerPairAgreement> Pairs,
    IReadOnlyList<LabelAgreement> Labels)
{
    /// <summary>The most items a report reads: the newest, so its cost does not grow with history.</summary>
    public const int MaxItems = 20_000;

    /// <summary>The most reviewer pairs listed, those sharing most items first.</summary>
    public const int MaxPairs = 100;

    /// <summary>The most labels listed, the most used first.</summary>
    public const int MaxLabels = 50;

    /// <summary>The seeds' target, on raw agreement.</summary>
    public const double MinAgreement = 0.85;

    public static AgreementReport Build(string? productId, IReadOnlyList<DateTime> days, IReadOnlyList<ReviewedItem> items)
    {
        var overall = AgreementFigures.Of(items);
        var daily = days
            .Select(day =>
            {
                var figures = AgreementFigures.Of([.. items.Where(i => i.CompletedAt >= day && i.CompletedAt < day.AddDays(1))]);
                return new AgreementDay(DateOnly.FromDateTime(day), figures.Items, figures.RawAgreement, figures.KrippendorffAlpha, figures.CohenKappa);
            })
            .ToList();

        var comparisons = items.SelectMany(PeerComparison.Of).ToList();
        var reviewers = comparisons
            .GroupBy(c => c.ReviewerId, StringComparer.Ordinal)
            .Select(g => new ReviewerAgreementRow(g.Key, g.Count(c => c.FirstPeer), g.Count(), (double)g.Count(c => c.Agreed) / g.Count()))
            .OrderBy(r => r.ReviewerId, StringComparer.Ordinal)
            .ToList();

        return new AgreementReport(
            productId,
            days.Count,
            items.Count >= MaxItems,
            overall,
            "> 85% raw agreement",
            overall.RawAgreement is { } raw ? raw > MinAgreement : null,
            daily,
            reviewers,
            PairsOf(items),
            LabelsOf(items));
    }

    /// <summary>Each label as a yes/no judgement by every reviewer of every item of the report.</summary>
    private static List<LabelAgreement> LabelsOf(IReadOnlyList<ReviewedItem> items) =>
    [
        .. items
            .SelectMany(i => i.Reviews.SelectMany(r => r.Labels).Distinct(StringComparer.Ordinal).Select(label => (Label: label, Item: i)))
            .GroupBy(x => x.Label, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(MaxLabels)
            .Select(g =>
            {
                var units = items.Select(i => (IReadOnlyList<bool>)[.. i.Reviews.Select(r => r.Labels.Contains(g.Key, StringComparer.Ordinal))]).ToList();
                return new LabelAgreement(
                    g.Key, g.Count(), AgreementCoefficients.RawAgreement(units), AgreementCoefficients.KrippendorffAlphaNominal(units));
            }),
    ];

    private static List<ReviewerPairAgreement> PairsOf(IReadOnlyList<ReviewedItem> items)
    {
        var shared = new Dictionary<(string, string), List<(ReviewVerdict, ReviewVerdict)>>();
        foreach (var item in items)
        {
            var reviews = item.Reviews.OrderBy(r => r.ReviewerId, StringComparer.Ordinal).ToList();
            for (var i = 0; i < reviews.Count; i++)
            {
                for (var j = i + 1; j < reviews.Count; j++)
                {
                    var key = (reviews[i].ReviewerId, reviews[j].ReviewerId);
                    if (!shared.TryGetValue(key, out var verdicts))
                    {
                        shared[key] = verdicts = [];
                    }

                    verdicts.Add((reviews[i].Verdict, reviews[j].Verdict));
                }
            }
        }

        return [.. shared
            .OrderByDescending(p => p.Value.Count)
            .ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
            .Take(MaxPairs)
            .Select(p => new ReviewerPairAgreement(
                p.Key.Item1,
                p.Key.Item2,
                p.Value.Count,
                (double)p.Value.Count(v => v.Item1 == v.Item2) / p.Value.Count,
                AgreementCoefficients.CohenKappa(p.Value)))];
    }
}
