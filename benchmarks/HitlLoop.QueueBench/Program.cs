using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Security;

// Usage: dotnet run -c Release --project benchmarks/HitlLoop.QueueBench -- [pending] [finished] [ops] [reviewers]
// Each phase runs ReviewQueue in this process on a fresh embedded store (the in-memory bus; nothing else needed):
//  1. baseline: 1,000 pending items and no history;
//  2. large: <pending> pending and <finished> finished items (defaults 100,000 each);
// timing <ops> claim-next-then-submit, first pending and completed pages and queue stats in each, then
//  3. <reviewers> concurrent reviewers (default 20) draining items over HTTP on the large store.
var pending = Arg(0, 100_000);
var finished = Arg(1, 100_000);
var ops = Arg(2, 500);
var reviewers = Arg(3, 20);
var key = RandomNumberGenerator.GetBytes(32);

var baseline = await Phase("baseline", 1_000, 0, http: false);
var large = await Phase("large", pending, finished, http: true);

Console.WriteLine();
Console.WriteLine($"{"operation",-28} {"baseline p50",12} {"p99",9} {"large p50",12} {"p99",9} {"p50 ratio",10}");
foreach (var name in baseline.Keys.Where(large.ContainsKey))
{
    var (b, l) = (baseline[name], large[name]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-28} {Ms(b, 0.5),10:F2}ms {Ms(b, 0.99),7:F2}ms {Ms(l, 0.5),10:F2}ms {Ms(l, 0.99),7:F2}ms {Ms(l, 0.5) / Ms(b, 0.5),10:F2}"));
}

foreach (var name in large.Keys.Where(k => !baseline.ContainsKey(k)))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-28} {"",12} {"",9} {Ms(large[name], 0.5),10:F2}ms {Ms(large[name], 0.99),7:F2}ms"));
}

return;

async Task<Dictionary<string, List<double>>> Phase(string name, int pendingCount, int finishedCount, bool http)
{
    var directory = Path.Combine(Path.GetTempPath(), "hitl-queue-bench", Guid.NewGuid().ToString("N"));
    var builder = WebApplication.CreateBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Logging.AddFilter("HitlLoop.ReviewQueue.Queue.QueueWatch", LogLevel.Error);
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Hitl:Transport"] = "InMemory",
        ["Hitl:Store"] = "Embedded",
        ["Hitl:Embedded:DataDirectory"] = directory,
        ["Hitl:Auth:SigningKey"] = Convert.ToBase64String(key),
        ["Urls"] = "http://127.0.0.1:0",
    });
    builder.AddHitlServices(new ReviewQueueService());
    await using var app = builder.Build();
    app.MapHitlServices();
    await app.StartAsync();
    var store = app.Services.GetRequiredService<IReviewItemStore>();
    var desk = app.Services.GetRequiredService<ReviewDesk>();

    var seeding = Stopwatch.StartNew();
    var now = DateTime.UtcNow;
    // Seeded 32 at a time, as producers would send them: the store commits concurrent writes together.
    var seed = new ParallelOptions { MaxDegreeOfParallelism = 32 };
    await Parallel.ForAsync(0, finishedCount, seed, async (i, token) =>
    {
        var done = Item($"done-{i:D7}", i, now).Claim("seed", TimeSpan.FromMinutes(5), now).Item
            .Submit("seed", new ReviewSubmission { Verdict = ReviewVerdict.Approved }, now, TimeProvider.System).Item.WithOutboxDelivered();
        await store.EnqueueOnceAsync(done, token);
    });
    await Parallel.ForAsync(0, pendingCount, seed, async (i, token) => await store.EnqueueOnceAsync(Item($"open-{i:D7}", i, now), token));

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {pendingCount:N0} pending, {finishedCount:N0} finished, seeded in {seeding.Elapsed.TotalSeconds:F0} s"));

    var timings = new Dictionary<string, List<double>>();
    var approve = new ReviewSubmission { Verdict = ReviewVerdict.Approved };
    for (var i = 0; i < Math.Min(ops, pendingCount / 2); i++)
    {
        var reviewer = $"bench-{i % 50}";
        var clock = Stopwatch.StartNew();
        var claimed = await desk.ClaimNextAsync(reviewer, reviewer, CancellationToken.None);
        var claimedAt = clock.Elapsed;
        await desk.SubmitAsync(claimed.Item!.Id, reviewer, approve, CancellationToken.None);
        Add(timings, "claim-next", claimedAt);
        Add(timings, "claim-next + submit", clock.Elapsed);

        clock.Restart();
        await store.ListAsync(new ReviewListQuery(ReviewStatus.Pending, null, null, 50), CancellationToken.None);
        Add(timings, "pending first page (50)", clock.Elapsed);

        clock.Restart();
        await store.ListAsync(new ReviewListQuery(ReviewStatus.Completed, null, null, 50), CancellationToken.None);
        Add(timings, "completed first page (50)", clock.Elapsed);

        clock.Restart();
        await store.CountAsync(CancellationToken.None);
        Add(timings, "queue stats", clock.Elapsed);
    }

    if (http)
    {
        await DrainOverHttp(app, timings);
    }

    await app.StopAsync();
    Directory.Delete(directory, recursive: true);
    return timings;
}

async Task DrainOverHttp(WebApplication app, Dictionary<string, List<double>> timings)
{
    var address = new Uri(app.Urls.First());
    var signing = TokenSigning.From(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HitlOptions>>().Value)!;
    var clients = Enumerable.Range(0, reviewers).Select(r =>
    {
        var client = new HttpClient { BaseAddress = address };
        var token = HitlTokens.Mint(signing, $"http-{r}", null, [HitlRoles.Reviewer], TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }).ToList();

    // A first, untimed review each opens the connection and registers the reviewer, as a reviewer's first minute would.
    await Task.WhenAll(clients.Select(ReviewOne));

    var claims = new List<double>();
    var reviewsDone = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(clients.Select(async client =>
    {
        for (var i = 0; i < ops / reviewers; i++)
        {
            var elapsed = await ReviewOne(client);
            lock (claims)
            {
                claims.Add(elapsed.TotalMilliseconds);
                reviewsDone++;
            }
        }
    }));
    clients.ForEach(c => c.Dispose());

    timings[$"HTTP claim, {reviewers} clients"] = claims;

    // Claims then submits one item; returns how long the claim took.
    static async Task<TimeSpan> ReviewOne(HttpClient client)
    {
        var started = Stopwatch.GetTimestamp();
        using var claim = await client.PostAsync(new Uri("api/reviews/claim", UriKind.Relative), null);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (claim.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"claim answered {claim.StatusCode}");
        }

        var item = await claim.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        using var submit = await client.PostAsJsonAsync($"api/reviews/{Uri.EscapeDataString(item.GetProperty("id").GetString()!)}/submit", new { verdict = "approved" });
        submit.EnsureSuccessStatusCode();
        return elapsed;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"HTTP: {reviewers} reviewers, {reviewsDone:N0} reviews in {clock.Elapsed.TotalSeconds:F1} s = {reviewsDone / clock.Elapsed.TotalSeconds:F0} reviews/s"));
}

static void Add(Dictionary<string, List<double>> timings, string name, TimeSpan elapsed)
{
    if (!timings.TryGetValue(name, out var list))
    {
        timings[name] = list = [];
    }

    list.Add(elapsed.TotalMilliseconds);
}

static double Ms(List<double> values, double quantile)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

static ReviewItem Item(string id, int i, DateTime now) => ReviewItem.Enqueue(new ReviewRequested
{
    Response = new ResponseScored { ResponseId = id, ProductId = "support-bot", Query = "Why was I charged twice?", Response = "Refunds take 14 days." },
    Triggers = [new ReviewTrigger { Code = "low_confidence", Priority = ReviewPriority.High }],
    Priority = (ReviewPriority)(i % 4),
    PolicyVersion = "bench",
    LearningValue = i % 10 / 10.0,
    DueBy = now.AddMinutes(i % 600),
}, now);

int Arg(int index, int fallback) =>
    args.ElementAtOrDefault(index) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
