using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace HitlLoop.Flywheel;

/// <summary>
/// The runs' daily figures as SVG line charts (OxyPlot), one metric a chart, every variant a line, the seeds' target
/// drawn across. Days the services had nothing to report for a metric are left as gaps.
/// </summary>
public static class Charts
{
    private const int Width = 960;
    private const int Height = 420;

    private static readonly OxyColor[] Colours = [OxyColor.FromRgb(0x24, 0x54, 0xc5), OxyColor.FromRgb(0xc0, 0x39, 0x2b), OxyColor.FromRgb(0x1d, 0x7a, 0x46)];

    private sealed record Chart(
        string File, string Title, string Axis, Func<DayRow, double?> Value, double? Target, string? TargetText, bool Share = true, double Minimum = 0, double? Maximum = null);

    private static readonly Chart[] All =
    [
        new("review-rate.svg", "Share of responses sent to a human", "review rate", d => d.ReviewRate, 0.10, "target < 10%"),
        new("correction-rate.svg", "Share of reviews that corrected the answer", "correction rate", d => d.CorrectionRate, 0.05, "target < 5%"),
        new("same-mistake-rate.svg", "Answers repeating a mistake already ruled on, among all answers (as the services count them)", "same-mistake rate", d => d.SameMistakeRate, 0.01, "target < 1%"),
        new("reviewer-agreement.svg", "Reviewer agreement on multi-reviewed items", "agreement", d => d.ReviewerAgreement, 0.85, "target > 85%"),
        new("wrong-answers.svg", "The bot's wrong answers a day", "wrong answers", d => d.WrongAnswers, null, null, Share: false, Minimum: -1),
        new("threshold.svg", "The Router's confidence threshold as reviewers calibrate it (mean over categories)", "threshold", d => d.Threshold, 0.80, "floor 0.80", Share: false, Minimum: 0.78, Maximum: 0.92),
        new("retraining.svg", "Retrain requests and promoted models, cumulative", "count", d => d.RetrainRequests, null, null, Share: false, Minimum: -0.2),
    ];

    /// <summary>Writes every chart into <paramref name="directory"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyDictionary<string, IReadOnlyList<DayRow>> runs)
    {
        var written = new List<string>();
        foreach (var chart in All)
        {
            // Arial, whose widths the exporter measures text with (Helvetica metrics); the padding is room to spare.
            var model = new PlotModel { Title = chart.Title, TitleFontSize = 14, Background = OxyColors.White, Padding = new OxyThickness(8, 8, 40, 8), DefaultFont = "Arial" };
            // Beside the plot, so no legend hides a line.
            model.Legends.Add(new Legend { LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.RightTop });
            model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "simulated day", Minimum = 1, MajorStep = 7, MinorStep = 1 });
            model.Axes.Add(new LinearAxis
            {
                Position = AxisPosition.Left,
                Title = chart.Axis,
                Minimum = chart.Minimum,
                Maximum = chart.Maximum ?? double.NaN,
                StringFormat = chart.Share ? "0%" : null,
                MajorGridlineStyle = LineStyle.Dot,
            });

            var colour = 0;
            foreach (var (variant, rows) in runs)
            {
                var line = new LineSeries { Title = Spaced(variant), Color = Colours[colour++ % Colours.Length], StrokeThickness = 1.8 };
                foreach (var row in rows)
                {
                    line.Points.Add(chart.Value(row) is { } value ? new DataPoint(row.Day, value) : DataPoint.Undefined);
                }

                model.Series.Add(line);
                if (chart.File == "retraining.svg")
                {
                    var promoted = new LineSeries { Title = Spaced($"{variant}: promoted"), Color = line.Color, LineStyle = LineStyle.Dash, StrokeThickness = 1.2 };
                    promoted.Points.AddRange(rows.Select(r => new DataPoint(r.Day, r.Promotions)));
                    model.Series.Add(promoted);
                }
            }

            if (chart.Target is { } target)
            {
                model.Annotations.Add(new LineAnnotation
                {
                    Type = LineAnnotationType.Horizontal,
                    Y = target,
                    Color = OxyColors.Gray,
                    LineStyle = LineStyle.Dash,
                    Text = chart.TargetText,
                    TextColor = OxyColors.DimGray,
                });
            }

            var path = Path.Combine(directory, chart.File);
            using (var file = File.Create(path))
            {
                new SvgExporter { Width = Width, Height = Height }.Export(model, file);
            }

            written.Add(path);
        }

        return written;
    }

    /// <summary>
    /// Hours from each mistake's first correction to its decline, a bar per variant; a mistake that never declined has
    /// no bar. Reads <c>declines.csv</c> as the runs wrote it.
    /// </summary>
    public static string? WriteDeclines(string directory)
    {
        var source = Path.Combine(directory, "declines.csv");
        if (!File.Exists(source))
        {
            return null;
        }

        var rows = File.ReadAllLines(source).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        var kinds = rows.Select(r => $"{r[1]} ({r[2]})").Distinct(StringComparer.Ordinal).ToList();
        var model = new PlotModel
        {
            Title = "Hours from a mistake's first correction until its rate halved",
            TitleFontSize = 14,
            Background = OxyColors.White,
            // Room on the left for the kinds' names, which the exporter measures narrower than they are drawn.
            Padding = new OxyThickness(70, 8, 40, 8),
            DefaultFont = "Arial",
        };
        model.Legends.Add(new Legend { LegendPlacement = LegendPlacement.Outside, LegendPosition = LegendPosition.RightTop });
        model.Axes.Add(new CategoryAxis { Position = AxisPosition.Left, Key = "kinds", ItemsSource = kinds, IsZoomEnabled = false });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "hours (never: no bar)", Minimum = 0, Maximum = 7 * 24 * 1.1, MajorGridlineStyle = LineStyle.Dot });
        var colour = 0;
        foreach (var variant in rows.GroupBy(r => r[0], StringComparer.Ordinal))
        {
            var bars = new BarSeries { Title = Spaced(variant.Key), FillColor = Colours[colour++ % Colours.Length], YAxisKey = "kinds", LabelFormatString = "{0:0}" };
            for (var i = 0; i < kinds.Count; i++)
            {
                var row = variant.FirstOrDefault(r => $"{r[1]} ({r[2]})" == kinds[i]);
                if (row is not null && double.TryParse(row[5], System.Globalization.CultureInfo.InvariantCulture, out var hours))
                {
                    bars.Items.Add(new BarItem(hours, i));
                }
            }

            model.Series.Add(bars);
        }

        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Vertical,
            X = 7 * 24,
            Color = OxyColors.Gray,
            LineStyle = LineStyle.Dash,
            Text = "target < 7 days (seed 003's time to improvement)",
            TextColor = OxyColors.DimGray,
        });

        var path = Path.Combine(directory, "declines.svg");
        using (var file = File.Create(path))
        {
            new SvgExporter { Width = Width, Height = Height }.Export(model, file);
        }

        return path;
    }

    // The exporter measures text narrower than browsers draw it and clips the legend to what it measured: trailing
    // no-break spaces widen the measure without showing.
    private static string Spaced(string title) => title + new string('\u00A0', 1 + (title.Length / 2));
}
