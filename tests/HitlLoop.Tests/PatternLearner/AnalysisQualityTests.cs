using System.Globalization;
using System.Text.Json;
using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Learning;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>
/// The correction analyzer measured on a labelled corpus written for these tests (Data/correction-analysis.json):
/// sales and support answers and their corrections, each labelled with every kind of change a careful reader sees.
/// </summary>
public sealed class AnalysisQualityTests
{
    private static readonly CorrectionAnalyzer Analyzer = new(Options.Create(new PatternLearnerOptions()));

    private static readonly Lazy<IReadOnlyList<LabelledPair>> Corpus = new(() =>
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", "correction-analysis.json")));
        return [.. json.RootElement.EnumerateArray().Select(p => new LabelledPair(
            p.GetProperty("id").GetString()!,
            p.GetProperty("original").GetString()!,
            p.GetProperty("corrected").GetString()!,
            [.. p.GetProperty("issues").EnumerateArray().Select(i => i.GetString()!)]))];
    });

    private static IEnumerable<string> AllTypes() =>
    [
        PatternTypes.ToneAdjustment, PatternTypes.OverVerbose, PatternTypes.UnderDetailed,
        PatternTypes.MissingContent, PatternTypes.RemovedContent, PatternTypes.WrongClaim,
    ];

    [Test]
    public void The_corpus_has_at_least_sixty_pairs_and_ten_of_each_type()
    {
        Assert.That(Corpus.Value, Has.Count.GreaterThanOrEqualTo(60));
        foreach (var type in AllTypes())
        {
            Assert.That(Corpus.Value.Count(p => p.Issues.Contains(type)), Is.GreaterThanOrEqualTo(10), type);
        }
    }

    [TestCaseSource(nameof(AllTypes))]
    public void Each_type_is_found_with_precision_and_recall_of_at_least_0_8(string type)
    {
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        var misses = new List<string>();
        foreach (var pair in Corpus.Value)
        {
            var found = Analyzer.Analyze(pair.Original, pair.Corrected).Any(i => i.PatternType == type);
            var labelled = pair.Issues.Contains(type);
            truePositives += found && labelled ? 1 : 0;
            falsePositives += found && !labelled ? 1 : 0;
            falseNegatives += !found && labelled ? 1 : 0;
            if (found != labelled)
            {
                misses.Add((found ? "+" : "-") + pair.Id);
            }
        }

        var precision = truePositives / (double)Math.Max(1, truePositives + falsePositives);
        var recall = truePositives / (double)Math.Max(1, truePositives + falseNegatives);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{type}: precision {precision:F2}, recall {recall:F2} ({truePositives} found, {falsePositives} wrongly, {falseNegatives} missed: {string.Join(' ', misses)})"));
        Assert.That(precision, Is.GreaterThanOrEqualTo(0.8), "precision");
        Assert.That(recall, Is.GreaterThanOrEqualTo(0.8), "recall");
    }

    private sealed record LabelledPair(string Id, string Original, string Corrected, IReadOnlyList<string> Issues);
}
