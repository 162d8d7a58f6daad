using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HitlLoop.Client;
using HitlLoop.Contracts;
using HitlLoop.Contracts.Guidance;
using HitlLoop.Router.Policy;
using HitlLoop.ServiceDefaults;

namespace HitlLoop.Flywheel;

/// <summary>Which parts of the loop a run keeps: the ablation turns one off and leaves the world as it was.</summary>
public sealed record Variant(string Name, bool Guidance, bool Retraining)
{
    public static readonly Variant Full = new("full", Guidance: true, Retraining: true);
    public static readonly Variant NoGuidance = new("no-guidance", Guidance: false, Retraining: true);
    public static readonly Variant NoRetraining = new("no-retraining", Guidance: true, Retraining: false);

    public static IReadOnlyList<Variant> All { get; } = [Full, NoGuidance, NoRetraining];
}

/// <summary>One simulated day as the services measured it and as the simulation knows it happened.</summary>
public sealed record DayRow(
    int Day,
    int Responses,
    int WrongAnswers,
    int GuidanceFits,
    double TrueReviewRate,
    double? ReviewRate,
    double TrueCorrectionRate,
    double? CorrectionRate,
    double TrueSameMistakeRate,
    double? SameMistakeRate,
    double? ReviewerAgreement,
    double? PositiveFeedbackRate,
    double? Threshold,
    int RetrainRequests,
    int Promotions,
    string ModelVersion)
{
    public const string Header =
        "day,responses,wrong_answers,guidance_fits,true_review_rate,review_rate,true_correction_rate,correction_rate," +
        "true_same_mistake_rate,same_mistake_rate,reviewer_agreement,positive_feedback_rate,threshold,retrain_requests,promotions,model_version";

    public string ToCsv() => string.Join(',', new object?[]
    {
        Day, Responses, WrongAnswers, GuidanceFits, Rate(TrueReviewRate), Rate(ReviewRate), Rate(TrueCorrectionRate), Rate(CorrectionRate),
        Rate(TrueSameMistakeRate), Rate(SameMistakeRate), Rate(ReviewerAgreement), Rate(PositiveFeedbackRate), Rate(Threshold),
        RetrainRequests, Promotions, ModelVersion,
    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    private static string Rate(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "";

    /// <summary>A row as <see cref="ToCsv"/> wrote it.</summary>
    public static DayRow FromCsv(string line)
    {
        var f = line.Split(',');
        static double? Opt(string v) => v.Length == 0 ? null : double.Parse(v, CultureInfo.InvariantCulture);
        static int Int(string v) => int.Parse(v, CultureInfo.InvariantCulture);
        return new DayRow(
            Int(f[0]), Int(f[1]), Int(f[2]), Int(f[3]), Opt(f[4]) ?? 0, Opt(f[5]), Opt(f[6]) ?? 0, Opt(f[7]), Opt(f[8]) ?? 0, Opt(f[9]),
            Opt(f[10]), Opt(f[11]), Opt(f[12]), Int(f[13]), Int(f[14]), f[15]);
    }
}

/// <summary>One kind of question on one simulated day: how often it was asked, answered wrong, and corrected.</summary>
public sealed record KindDay(int Day, string Kind, int Asked, int Wrong, int Corrected)
{
    public const string Header = "day,kind,asked,wrong,corrected";

    public string ToCsv() => string.Create(CultureInfo.InvariantCulture, $"{Day},{Kind},{Asked},{Wrong},{Corrected}");
}

/// <summary>
/// How long a mistake lasted once reviewers first corrected it: from the first correction to the first moment the
/// kind's last <see cref="Window"/> answers asked since then held no more than half the bot's first mistake rate.
/// </summary>
public sealed record MistakeDecline(string Kind, string Type, DateTimeOffset? FirstCorrection, DateTimeOffset? Declined)
{
    /// <summary>Answers of the kind the rate is taken over; gathering them is the measure's floor (hours, not days).</summary>
    public const int Window = 12;

    public const string Header = "variant,kind,type,first_correction,declined,hours";

    public double? Hours => FirstCorrection is { } first && Declined is { } declined ? (declined - first).TotalHours : null;

    public string ToCsv(string variant) => string.Create(
        CultureInfo.InvariantCulture, $"{variant},{Kind},{Type},{FirstCorrection:O},{Declined:O},{Hours:0.0}");

    /// <summary>From each answer's time, kind and correctness, and the time each corrected answer was corrected.</summary>
    public static MistakeDecline Of(MistakeKind kind, IReadOnlyList<(DateTimeOffset At, bool Wrong, DateTimeOffset? CorrectedAt)> answers)
    {
        var first = answers.Where(a => a.CorrectedAt is not null).Select(a => a.CorrectedAt).Min();
        if (first is null)
        {
            return new MistakeDecline(kind.Id, kind.Kind, null, null);
        }

        var since = answers.Where(a => a.At >= first).OrderBy(a => a.At).ToList();
        for (var end = Window; end <= since.Count; end++)
        {
            if (since.Skip(end - Window).Take(Window).Count(a => a.Wrong) <= kind.MistakeRate / 2 * Window)
            {
                return new MistakeDecline(kind.Id, kind.Kind, first, since[end - 1].At);
            }
        }

        return new MistakeDecline(kind.Id, kind.Kind, first, null);
    }
}

/// <summary>
/// Plays a chat product, its end users and its reviewers against the services for the configured days, one variant
/// of the loop at a time, and returns one row per simulated day.
/// </summary>
public sealed class Simulation(FlywheelOptions options, Variant variant, TextWriter log, LoopMode? mode = null)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    // Every chance is drawn from the seed and what it is about (an answer, a reviewer's look at it), never from a shared
    // generator: the world is the same in every variant, and one answer drawn differently does not shift all the others.
    private readonly string _seed = options.Seed.ToString(CultureInfo.InvariantCulture);
    private readonly Dictionary<string, Answer> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _mistakeLeft = options.Catalogue.ToDictionary(k => k.Id, _ => 1.0, StringComparer.Ordinal);
    private readonly Dictionary<string, int> _corrected = options.Catalogue.ToDictionary(k => k.Id, _ => 0, StringComparer.Ordinal);
    private readonly HashSet<string> _retrainsSeen = new(StringComparer.Ordinal);
    private readonly List<(int Day, string RequestId, string DatasetId)> _training = [];
    // Corrections of a kind before PatternLearner makes its rule: from then on the kind's mistake is a known one.
    private readonly int _ruleAfter = int.Parse(options.Services.GetValueOrDefault("PatternLearner:MinExamplesPerPattern", "3"), CultureInfo.InvariantCulture);
    private readonly Dictionary<string, TimeSpan> _timings = new(StringComparer.Ordinal);
    private TimeSpan _overrun;
    private int _modelVersion = 1;
    private int _retrainRequests;
    private int _promotions;

    public async Task<IReadOnlyList<DayRow>> RunAsync()
    {
        var settings = new Dictionary<string, string>(options.Services, StringComparer.Ordinal);
        await using var host = await (mode ?? LoopMode.Embedded).StartAsync(Start, options.Reviewers.Count, settings, variant.Name);
        var product = host.Client(LoopHost.ProductKey);
        var lead = host.Client(LoopHost.LeadKey);
        var ml = host.Client(LoopHost.MlKey);
        var reviewers = Enumerable.Range(0, options.Reviewers.Count).Select(i => host.Client(LoopHost.ReviewerKey(i))).ToList();
        var guidance = HitlClientRegistration.CreateGuidanceClient(product);
        var step = TimeSpan.FromDays(1) / options.StepsPerDay;
        var rows = new List<DayRow>();

        for (var day = 1; day <= options.Days; day++)
        {
            var dayStart = Start.AddDays(day - 1);
            var today = new List<Answer>();
            for (var s = 0; s < options.StepsPerDay; s++)
            {
                var stepEnd = dayStart + (step * (s + 1));
                var answers = await Timed("answer", () => AnswerAsync(day, s, guidance, host));
                today.AddRange(answers);
                await Timed("post", () => PostAsync(product, answers, host));
                await Timed("advance", () => host.AdvanceAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(20)));
                await Timed("react", () => ReactAsync(host, answers));
                await Timed("settle", () => host.SettledAsync());
                await Timed("review", () => ReviewAsync(host, reviewers, day));
                var left = stepEnd - host.Clock.GetUtcNow();
                if (left > TimeSpan.Zero)
                {
                    await Timed("rest", () => host.AdvanceAsync(left, TimeSpan.FromHours(1)));
                }
                else
                {
                    // Only a running clock gets ahead of the steps: what it stamps then lands in a later step or day.
                    _overrun = -left > _overrun ? -left : _overrun;
                }
            }

            await Timed("retrain", () => RetrainAsync(day, host, ml));
            rows.Add(await Timed("measure", () => MeasureAsync(day, today, lead, host.Clock)));
            var overrun = _overrun > TimeSpan.Zero ? $" overran {_overrun.TotalMinutes:F0} simulated min" : "";
            log.WriteLine($"{variant.Name} {rows[^1].ToCsv()}  [{string.Join(' ', _timings.Select(t => $"{t.Key} {t.Value.TotalSeconds:F1}s"))}{overrun}]");
            _timings.Clear();
            _overrun = TimeSpan.Zero;
        }

        return rows;
    }

    /// <summary>Runs one phase of a step, adding its wall time to the day's timings the log shows.</summary>
    private async Task Timed(string phase, Func<Task> work)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await work();
        _timings[phase] = _timings.GetValueOrDefault(phase) + clock.Elapsed;
    }

    private async Task<T> Timed<T>(string phase, Func<Task<T>> work)
    {
        T result = default!;
        await Timed(phase, async () => { result = await work(); });
        return result;
    }

    /// <summary>The bot answers one step's share of the day's questions, asking for guidance first.</summary>
    private async Task<List<Answer>> AnswerAsync(int day, int step, IGuidanceClient guidance, ILoop host)
    {
        var active = options.Catalogue.Where(k => k.FromDay <= day).ToList();
        var total = active.Sum(k => k.Weight);
        var count = options.Bot.ResponsesPerDay / options.StepsPerDay;
        var answers = new List<Answer>(count);
        for (var i = 0; i < count; i++)
        {
            var key = $"d{day}/s{step}/{i}";
            var kind = Pick(active, total, Draw(key, "kind"));
            var query = kind.Queries[Index(key, "query", kind.Queries.Count)];
            var helps = 0.0;
            if (variant.Guidance && kind.Kind != "none")
            {
                var found = await guidance.GetGuidanceAsync(new GuidanceRequest
                {
                    ProductId = kind.Product,
                    Query = query,
                    Category = kind.Category,
                    Limit = options.Bot.GuidanceLimit,
                });
                helps = Helps(found, kind, query);
            }

            var mistake = kind.MistakeRate * _mistakeLeft[kind.Id] * (1 - helps);
            var wrong = Draw(key, "wrong") < mistake;
            var (low, high) = wrong ? (options.Bot.WrongConfidence[0], options.Bot.WrongConfidence[1]) : (options.Bot.RightConfidence[0], options.Bot.RightConfidence[1]);
            var answer = new Answer(
                $"{variant.Name}-d{day:D2}-s{step}-{i:D3}",
                key,
                day,
                kind,
                query,
                wrong ? kind.Wrong : kind.Right[Index(key, "right", kind.Right.Count)],
                wrong,
                helps > 0,
                // Known: reviewers had corrected this mistake often enough for PatternLearner to have ruled on it.
                kind.Kind != "none" && _corrected[kind.Id] >= _ruleAfter,
                low + (Draw(key, "confidence") * (high - low)),
                host.Clock.GetUtcNow());
            _answers[answer.Id] = answer;
            answers.Add(answer);
        }

        return answers;
    }

    /// <summary>
    /// The chance guidance keeps the bot from its mistake. It fits when a correction it returns holds what a right answer
    /// to this kind of question says; a correction made on these very words helps most, one made on other wording less.
    /// </summary>
    private double Helps(GuidanceAnswer found, MistakeKind kind, string query)
    {
        var fitting = found.Corrections.Where(c => c.CorrectedText.Contains(kind.Signature, StringComparison.OrdinalIgnoreCase)).ToList();
        return fitting.Count == 0 ? 0
            : fitting.Any(c => string.Equals(c.Query, query, StringComparison.OrdinalIgnoreCase)) ? options.Bot.GuidanceHelps
            : options.Bot.LooseGuidanceHelps;
    }

    /// <summary>A chance in [0, 1) that only the seed, <paramref name="key"/> and <paramref name="what"/> decide.</summary>
    private double Draw(string key, string what) => DeterministicSample.Of($"{_seed}/{key}", what);

    private int Index(string key, string what, int count) => Math.Min((int)(Draw(key, what) * count), count - 1);

    private static MistakeKind Pick(List<MistakeKind> kinds, double total, double chance)
    {
        var draw = chance * total;
        foreach (var kind in kinds)
        {
            draw -= kind.Weight;
            if (draw < 0)
            {
                return kind;
            }
        }

        return kinds[^1];
    }

    /// <summary>
    /// Posts each answer as the bot gives it, one at a time: the Router decides a batch's responses side by side, and
    /// which of two like questions it meets first (novelty) would then vary from run to run.
    /// </summary>
    private async Task PostAsync(HttpClient product, List<Answer> answers, ILoop host)
    {
        foreach (var answer in answers)
        {
            var scored = new ResponseScored
            {
                ResponseId = answer.Id,
                ConversationId = "conv-" + answer.Id,
                ProductId = answer.Kind.Product,
                Query = answer.Query,
                Response = answer.Text,
                Confidence = answer.Confidence,
                ModelVersion = ModelVersion,
                Context = new ResponseContext { Category = answer.Kind.Category },
                ScoredAt = answer.At,
            };
            using var response = await product.PostAsJsonAsync("api/responses", scored, MessageJson.Options);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST /api/responses answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        await host.SettledAsync();
    }

    /// <summary>End users react to some answers: thumbs down far more often when the answer was wrong.</summary>
    private async Task ReactAsync(ILoop host, List<Answer> answers)
    {
        foreach (var answer in answers.Where(a => Draw(a.Key, "reacts") < options.Users.ReactionRate))
        {
            var down = Draw(answer.Key, "down") < (answer.Wrong ? options.Users.DownWhenWrong : options.Users.DownWhenRight);
            await host.PublishAsync(new UserFeedbackSubmitted
            {
                FeedbackId = "fb-" + answer.Id,
                ResponseId = answer.Id,
                ProductId = answer.Kind.Product,
                ThumbsUp = !down,
                SubmittedAt = host.Clock.GetUtcNow(),
            });
        }
    }

    /// <summary>The reviewers take turns claiming the next review until none is left for any of them.</summary>
    private async Task ReviewAsync(ILoop host, List<HttpClient> reviewers, int day)
    {
        var idle = 0;
        for (var turn = 0; idle < reviewers.Count; turn = (turn + 1) % reviewers.Count)
        {
            using var claim = await reviewers[turn].PostAsync(new Uri("api/reviews/claim", UriKind.Relative), null);
            if (claim.StatusCode == HttpStatusCode.NoContent)
            {
                idle++;
                continue;
            }

            claim.EnsureSuccessStatusCode();
            idle = 0;
            var id = (await claim.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            var look = $"{(_answers.TryGetValue(id, out var answer) ? answer.Key : id)}/reviewer-{turn}";
            var seconds = options.Reviewers.Seconds[0] + (Draw(look, "seconds") * (options.Reviewers.Seconds[1] - options.Reviewers.Seconds[0]));
            await host.PassAsync(TimeSpan.FromSeconds(seconds));
            var verdict = Verdict(answer, turn, Draw(look, "verdict"));
            using var submit = await reviewers[turn].PostAsJsonAsync($"api/reviews/{Uri.EscapeDataString(id)}/submit", verdict.Submission);
            if (submit.StatusCode == HttpStatusCode.Conflict)
            {
                // The lease ran out first (five processes on a fast clock: real latency is simulated minutes). The item
                // goes back to the queue and is claimed again; this look is not counted.
                log.WriteLine($"{variant.Name} day {day}: the lease on {id} ran out before its verdict; it goes back to the queue");
                continue;
            }

            if (!submit.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"submitting {id} answered {(int)submit.StatusCode}: {await submit.Content.ReadAsStringAsync()}");
            }

            if (answer is not null)
            {
                answer.ReviewedOn ??= day;
                if (verdict.Corrects)
                {
                    answer.CorrectedOn ??= day;
                    answer.CorrectedAt ??= host.Clock.GetUtcNow();
                    _corrected[answer.Kind.Id]++;
                }
            }

            // The correction goes through Feedback and PatternLearner before the next answer is reviewed.
            await host.SettledAsync();
        }
    }

    /// <summary>
    /// A reviewer's verdict: right with the reviewer's accuracy, and the correction a right answer. It corrects the bot
    /// when it edits a wrong answer.
    /// </summary>
    private (object Submission, bool Corrects) Verdict(Answer? answer, int reviewer, double chance)
    {
        var accuracy = options.Reviewers.Accuracy - (options.Reviewers.AccuracySpread * reviewer / Math.Max(options.Reviewers.Count, 1));
        if (answer is null || answer.Wrong != (chance < accuracy))
        {
            return (new { verdict = "approved" }, false);
        }

        // A wrong answer caught, or a right one mistaken for wrong: either way the reviewer writes a right answer.
        var text = answer.Kind.Right.FirstOrDefault(r => !string.Equals(r, answer.Text, StringComparison.Ordinal)) ?? answer.Kind.Right[0];
        return answer.Wrong
            ? (new { verdict = "edited", correctedText = text }, true)
            : (new { verdict = "rejected", notes = "Reads wrong to this reviewer." }, false);
    }

    /// <summary>
    /// The ML team's part: each new retrain request is trained for a few days; the mistakes its dataset covers become
    /// rarer, and the new model's results on a frozen holdout go back as RetrainCompleted.
    /// </summary>
    private async Task RetrainAsync(int day, ILoop host, HttpClient ml)
    {
        var requests = await ml.GetFromJsonAsync<JsonElement>("api/retrain-requests?limit=20");
        foreach (var request in requests.EnumerateArray())
        {
            var id = request.GetProperty("requestId").GetString()!;
            if (_retrainsSeen.Add(id))
            {
                _retrainRequests++;
                _training.Add((day, id, request.GetProperty("datasetId").GetString()!));
            }
        }

        if (!variant.Retraining)
        {
            return;
        }

        foreach (var done in _training.Where(t => t.Day + options.Retraining.TrainingDays <= day).ToList())
        {
            _training.Remove(done);
            var lines = (await ml.GetStringAsync($"api/datasets/{Uri.EscapeDataString(done.DatasetId)}/sft.jsonl")).Split('\n');
            var before = HoldoutAccuracy();
            foreach (var kind in options.Catalogue.Where(k => k.Kind != "none"))
            {
                if (lines.Count(l => l.Contains(kind.Signature, StringComparison.OrdinalIgnoreCase)) >= options.Retraining.MinExamples)
                {
                    _mistakeLeft[kind.Id] *= options.Retraining.MistakeLeft;
                }
            }

            var after = HoldoutAccuracy();
            var promoted = after > before;
            if (promoted)
            {
                _modelVersion++;
                _promotions++;
            }

            await host.PublishAsync(new RetrainCompleted
            {
                RequestId = done.RequestId,
                NewModelVersion = $"bot-v{_modelVersion}{(promoted ? "" : "-candidate")}",
                Metrics = new Dictionary<string, double> { ["accuracy"] = after },
                BaselineMetrics = new Dictionary<string, double> { ["accuracy"] = before },
                Promoted = promoted,
                CompletedAt = host.Clock.GetUtcNow(),
            });
        }
    }

    private string ModelVersion => $"bot-v{_modelVersion}";

    /// <summary>The bot's accuracy, without guidance, on every kind of question weighted as users ask them.</summary>
    private double HoldoutAccuracy()
    {
        var total = options.Catalogue.Sum(k => k.Weight);
        return 1 - (options.Catalogue.Sum(k => k.Weight * k.MistakeRate * _mistakeLeft[k.Id]) / total);
    }

    private async Task<DayRow> MeasureAsync(int day, List<Answer> today, HttpClient lead, TimeProvider clock)
    {
        // The clock stands at the next midnight, or later when five processes' running clock outpaced the steps: the
        // series reaches back from the current day to the one just played.
        var played = Start.AddDays(day - 1);
        var since = (int)(clock.GetUtcNow().UtcDateTime.Date - played.UtcDateTime.Date).TotalDays;
        var series = await lead.GetFromJsonAsync<JsonElement>($"api/feedback/metrics/series?bucket=day&count={Math.Max(since + 1, 2)}");
        var date = played.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var bucket = series.GetProperty("buckets").EnumerateArray().Single(b => b.GetProperty("start").GetString()!.StartsWith(date, StringComparison.Ordinal));
        var metrics = bucket.GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("metric").GetString()!, m => m.GetProperty("value") is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : (double?)null);
        var thresholds = new List<double>();
        foreach (var product in options.Catalogue.Select(k => k.Product).Distinct())
        {
            var answer = await lead.GetFromJsonAsync<JsonElement>($"api/router/thresholds?productId={Uri.EscapeDataString(product)}");
            var kinds = answer.GetProperty("kinds").EnumerateArray().Select(k => k.GetProperty("threshold").GetDouble()).ToList();
            thresholds.AddRange(kinds.Count > 0 ? kinds : [answer.GetProperty("configured").GetDouble()]);
        }

        var reviewed = today.Count(a => a.ReviewedOn is not null);
        return new DayRow(
            day,
            today.Count,
            today.Count(a => a.Wrong),
            today.Count(a => a.GuidanceFit),
            Share(reviewed, today.Count),
            metrics.GetValueOrDefault("review_rate"),
            Share(today.Count(a => a.CorrectedOn is not null), reviewed),
            metrics.GetValueOrDefault("correction_rate"),
            Share(today.Count(a => a.Wrong && a.Known), today.Count),
            metrics.GetValueOrDefault("same_mistake_rate"),
            metrics.GetValueOrDefault("reviewer_agreement"),
            metrics.GetValueOrDefault("positive_feedback_rate"),
            thresholds.Count > 0 ? thresholds.Average() : null,
            _retrainRequests,
            _promotions,
            ModelVersion);
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private sealed class Answer(
        string id, string key, int day, MistakeKind kind, string query, string text, bool wrong, bool guidanceFit, bool known, double confidence, DateTimeOffset at)
    {
        public string Id { get; } = id;

        /// <summary>What the answer's chances are drawn from: the same in every variant.</summary>
        public string Key { get; } = key;
        public int Day { get; } = day;
        public MistakeKind Kind { get; } = kind;
        public string Query { get; } = query;
        public string Text { get; } = text;
        public bool Wrong { get; } = wrong;
        public bool GuidanceFit { get; } = guidanceFit;

        /// <summary>A wrong answer of a known mistake repeats it: the same-mistake rate counts those among all answers.</summary>
        public bool Known { get; } = known;
        public double Confidence { get; } = confidence;
        public DateTimeOffset At { get; } = at;
        public int? ReviewedOn { get; set; }
        public int? CorrectedOn { get; set; }
        public DateTimeOffset? CorrectedAt { get; set; }
    }

    /// <summary>How long each mistake lasted once first corrected.</summary>
    public IReadOnlyList<MistakeDecline> Declines() =>
        [.. options.Catalogue.Where(k => k.Kind != "none").Select(kind => MistakeDecline.Of(
            kind,
            [.. _answers.Values.Where(a => a.Kind.Id == kind.Id).Select(a => (a.At, a.Wrong, a.CorrectedAt))]))];

    /// <summary>Each kind of question's days: asked, answered wrong, corrected.</summary>
    public IReadOnlyList<KindDay> KindDays()
    {
        var corrected = _answers.Values.Where(a => a.CorrectedOn is not null).GroupBy(a => (Day: a.CorrectedOn!.Value, a.Kind.Id)).ToDictionary(g => g.Key, g => g.Count());
        return [.. _answers.Values
            .GroupBy(a => (a.Day, a.Kind.Id))
            .OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Id, StringComparer.Ordinal)
            .Select(g => new KindDay(g.Key.Day, g.Key.Id, g.Count(), g.Count(a => a.Wrong), corrected.GetValueOrDefault(g.Key)))];
    }

    /// <summary>Writes the rows as CSV, one line a day.</summary>
    public static async Task WriteCsvAsync(string path, IReadOnlyList<DayRow> rows)
    {
        var csv = new StringBuilder().AppendLine(DayRow.Header);
        foreach (var row in rows)
        {
            csv.AppendLine(row.ToCsv());
        }

        await File.WriteAllTextAsync(path, csv.ToString());
    }
}
