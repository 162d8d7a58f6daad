using System.Globalization;
using HitlLoop.Flywheel;

// dotnet run -c Release --project benchmarks/HitlLoop.Flywheel -- [--config flywheel.json] [--seed 7] [--days 56] [--out dir] [--runs full,no-guidance,no-retraining]
//   [--rabbitmq amqp://guest:guest@localhost:5672/ [--speed 2880]]
// With --charts-only, draws the charts from the CSV files already in --out. With --rabbitmq, the services run as five
// processes over that broker, on a simulated clock --speed times as fast as real time.
var arguments = args.Select((value, i) => (value, i)).Where(a => a.value.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(a => a.value[2..], a => a.i + 1 < args.Length ? args[a.i + 1] : "", StringComparer.Ordinal);
var configPath = arguments.GetValueOrDefault("config") ?? Path.Combine(AppContext.BaseDirectory, "flywheel.json");
var options = await FlywheelOptions.LoadAsync(configPath);
if (arguments.TryGetValue("seed", out var seed))
{
    options.Seed = int.Parse(seed, CultureInfo.InvariantCulture);
}

if (arguments.TryGetValue("days", out var days))
{
    options.Days = int.Parse(days, CultureInfo.InvariantCulture);
}

var mode = arguments.TryGetValue("rabbitmq", out var broker)
    ? new LoopMode(new Uri(broker.Length > 0 ? broker : "amqp://guest:guest@localhost:5672/"), double.Parse(arguments.GetValueOrDefault("speed") ?? $"{LoopMode.DefaultSpeed}", CultureInfo.InvariantCulture))
    : LoopMode.Embedded;
var output = arguments.GetValueOrDefault("out") ?? "flywheel-results";
Directory.CreateDirectory(output);
var runs = (arguments.GetValueOrDefault("runs") ?? string.Join(',', Variant.All.Select(v => v.Name))).Split(',', StringSplitOptions.RemoveEmptyEntries);
var results = new Dictionary<string, IReadOnlyList<DayRow>>(StringComparer.Ordinal);
var declines = new List<string> { MistakeDecline.Header };
if (arguments.ContainsKey("charts-only"))
{
    foreach (var name in runs.Where(n => File.Exists(Path.Combine(output, $"{n}.csv"))))
    {
        results[name] = [.. (await File.ReadAllLinesAsync(Path.Combine(output, $"{name}.csv"))).Skip(1).Where(l => l.Length > 0).Select(DayRow.FromCsv)];
    }

    runs = [];
}

foreach (var name in runs)
{
    var variant = Variant.All.Single(v => v.Name == name);
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var simulation = new Simulation(options, variant, Console.Out, mode);
    var rows = await simulation.RunAsync();
    var path = Path.Combine(output, $"{variant.Name}.csv");
    await Simulation.WriteCsvAsync(path, rows);
    var kinds = simulation.KindDays();
    await File.WriteAllLinesAsync(Path.Combine(output, $"{variant.Name}-kinds.csv"), [KindDay.Header, .. kinds.Select(k => k.ToCsv())]);
    declines.AddRange(simulation.Declines().Select(d => d.ToCsv(variant.Name)));

    results[variant.Name] = rows;
    Console.WriteLine($"{variant.Name}: {rows.Count} days in {clock.Elapsed.TotalSeconds:F0} s -> {path}");
}

if (declines.Count > 1)
{
    // How long each mistake lasted once first corrected: until its rate over the kind's next answers halved.
    await File.WriteAllLinesAsync(Path.Combine(output, "declines.csv"), declines);
    declines.ForEach(Console.WriteLine);
}

if (results.Count > 0)
{
    // Weekly means of the daily rows (every day has as many answers, so a mean of days is the week's share).
    var weeks = new List<string> { "variant,week,review_rate,true_review_rate,same_mistake_rate,true_same_mistake_rate,correction_rate,true_correction_rate,wrong_answers" };
    foreach (var (name, rows) in results)
    {
        foreach (var week in rows.GroupBy(r => (r.Day - 1) / 7 + 1))
        {
            static string Mean(IEnumerable<double?> values) =>
                values.OfType<double>().DefaultIfEmpty(double.NaN).Average().ToString("0.0000", CultureInfo.InvariantCulture);
            weeks.Add(string.Join(',', name, week.Key, Mean(week.Select(r => r.ReviewRate)), Mean(week.Select(r => (double?)r.TrueReviewRate)),
                Mean(week.Select(r => r.SameMistakeRate)), Mean(week.Select(r => (double?)r.TrueSameMistakeRate)),
                Mean(week.Select(r => r.CorrectionRate)), Mean(week.Select(r => (double?)r.TrueCorrectionRate)), week.Sum(r => r.WrongAnswers)));
        }
    }

    await File.WriteAllLinesAsync(Path.Combine(output, "weeks.csv"), weeks);
    weeks.ForEach(Console.WriteLine);
}

foreach (var chart in Charts.Write(output, results).Append(Charts.WriteDeclines(output)).OfType<string>())
{
    Console.WriteLine($"chart -> {chart}");
}
