using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.Contracts.Guidance;
using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Retrieval;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

// Usage: dotnet run -c Release --project benchmarks/HitlLoop.GuidanceBench -- [sizes] [products] [requests] [ingested]
// For each size (default 1000,10000,100000 corrections over 20 products) PatternLearner runs in this process on a
// fresh embedded store (in-memory bus). The stored corrections are the retrieval set's 439 written corrections
// (tests/HitlLoop.Tests/Data/retrieval) repeated under each product, loaded straight into the store and the index
// with their embeddings computed once per distinct text (what a search costs does not depend on the texts being
// distinct). Then, at each size:
//  - <ingested> (default 200) new corrections go through the whole path a CorrectionAccepted takes (analysis,
//    embedding, store, index, patterns): corrections ingested per second;
//  - <requests> (default 500) guidance requests over HTTP, one at a time, each a labelled query of a random product:
//    p50 and p99, against the smallest size's.
var sizes = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [1_000, 10_000, 100_000];
var products = Arg(1, 20);
var requests = Arg(2, 500);
var ingested = Arg(3, 200);
var key = RandomNumberGenerator.GetBytes(32);
var (texts, queries) = LoadSet(RetrievalSetFolder());
var embeddings = new Dictionary<string, byte[]>(StringComparer.Ordinal);

Console.WriteLine($"{texts.Count} written corrections, {queries.Count} queries; embedding each text once");
var stopwatch = Stopwatch.StartNew();
foreach (var text in texts)
{
    embeddings[text.Id] = TextEmbedder.ToBytes(TextEmbedder.Shared.Embed(CorrectionSearch.MeaningOf(text)));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embedded in {stopwatch.Elapsed.TotalSeconds:F1} s"));
var results = new List<(int Size, double P50, double P99, double PerSecond)>();
foreach (var size in sizes)
{
    results.Add(await MeasureAsync(size));
}

Console.WriteLine();
Console.WriteLine($"{"corrections",12} {"guidance p50",13} {"p99",9} {"p50 ×",7} {"ingested/s",11}");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Size,12:N0} {r.P50,11:F2}ms {r.P99,7:F2}ms {r.P50 / results[0].P50,7:F2} {r.PerSecond,11:F1}"));
}

return;

async Task<(int Size, double P50, double P99, double PerSecond)> MeasureAsync(int size)
{
    var directory = Path.Combine(Path.GetTempPath(), "hitl-guidance-bench", Guid.NewGuid().ToString("N"));
    var builder = WebApplication.CreateBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Hitl:Transport"] = "InMemory",
        ["Hitl:Store"] = "Embedded",
        ["Hitl:Embedded:DataDirectory"] = directory,
        ["Hitl:Auth:SigningKey"] = Convert.ToBase64String(key),
        ["Hitl:RateLimit:ProductRequestsPerSecond"] = "0",
        ["Urls"] = "http://127.0.0.1:0",
    });
    builder.AddHitlServices(new PatternLearnerService());
    var app = builder.Build();
    app.MapHitlServices();
    await app.StartAsync();
    try
    {
        // The stored history, straight into the store and the index.
        var store = app.Services.GetRequiredService<ICorrectionStore>();
        var search = app.Services.GetRequiredService<CorrectionSearch>();
        var loading = Stopwatch.StartNew();
        var accepted = DateTime.UtcNow.AddDays(-30);
        var batch = new List<CorrectionRecord>();
        for (var i = 0; i < size; i++)
        {
            var text = texts[i / products % texts.Count];
            var record = text with
            {
                Id = $"c-{i:D7}",
                ProductId = ProductOf(i % products),
                Embedding = embeddings[text.Id],
                AcceptedAt = accepted.AddSeconds(i),
                RecordedAt = accepted.AddSeconds(i),
            };
            await store.RecordOnceAsync(record, CancellationToken.None);
            batch.Add(record);
            if (batch.Count == 1_000)
            {
                search.Add(batch);
                batch.Clear();
            }
        }

        search.Add(batch);
        search.Commit(accepted.AddSeconds(size));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0}: loaded in {loading.Elapsed.TotalSeconds:F1} s"));

        // Ingestion through the whole path, the first few untimed (the code's first runs are slower).
        var learner = app.Services.GetRequiredService<CorrectionLearner>();
        var next = 0;
        async Task IngestOne()
        {
            var text = texts[next % texts.Count];
            await learner.LearnAsync(
                new CorrectionAccepted
                {
                    GoldenExampleId = $"new-{size}-{next}",
                    ResponseId = $"r-{size}-{next}",
                    ProductId = ProductOf(next % products),
                    Query = text.Query,
                    Context = new ResponseContext { Category = text.Category },
                    OriginalText = text.OriginalText,
                    CorrectedText = text.CorrectedText,
                    ReviewerId = "bench",
                    AcceptedAt = DateTimeOffset.UtcNow,
                },
                CancellationToken.None);
            next++;
        }

        for (var i = 0; i < 20; i++)
        {
            await IngestOne();
        }

        var ingesting = Stopwatch.StartNew();
        for (var i = 0; i < ingested; i++)
        {
            await IngestOne();
        }

        var perSecond = ingested / ingesting.Elapsed.TotalSeconds;

        // Guidance over HTTP, one request at a time.
        var signing = TokenSigning.From(app.Services.GetRequiredService<IOptions<HitlOptions>>().Value)!;
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", HitlTokens.Mint(signing, "bench-product", null, [HitlRoles.Product], TimeSpan.FromHours(1), DateTimeOffset.UtcNow).Token);
        var random = new Random(7);
        var timings = new List<double>();
        for (var i = -50; i < requests; i++)
        {
            var query = queries[random.Next(queries.Count)];
            var started = Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync("/api/guidance", new GuidanceRequest
            {
                ProductId = ProductOf(random.Next(products)),
                Query = query.Query,
                Category = query.Category,
                Draft = query.Draft,
            });
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            if (i >= 0)
            {
                timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        timings.Sort();

        // Where the time goes: the search alone (embedding and nearest vectors), in this process.
        var searches = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            var query = queries[random.Next(queries.Count)];
            var started = Stopwatch.GetTimestamp();
            search.Search(ProductOf(random.Next(products)), query.Category, query.Query, query.Draft, 3);
            searches.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        searches.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{size:N0}: search alone p50 {searches[searches.Count / 2]:F2} ms, p99 {searches[(int)(searches.Count * 0.99)]:F2} ms"));
        return (size, timings[timings.Count / 2], timings[(int)(timings.Count * 0.99)], perSecond);
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}

// The labelled set, found from the working directory up (dotnet run starts in the project's folder).
static string RetrievalSetFolder()
{
    for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
    {
        var candidate = Path.Combine(folder.FullName, "tests", "HitlLoop.Tests", "Data", "retrieval");
        if (Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new DirectoryNotFoundException("tests/HitlLoop.Tests/Data/retrieval not found above the working directory.");
}

static string ProductOf(int index) => $"product-{index:D2}";

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

static (List<CorrectionRecord> Texts, List<(string Query, string? Category, string? Draft)> Queries) LoadSet(string folder)
{
    var texts = new List<CorrectionRecord>();
    var queries = new List<(string, string?, string?)>();
    foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        foreach (var c in json.RootElement.GetProperty("corrections").EnumerateArray())
        {
            texts.Add(new CorrectionRecord
            {
                Id = c.GetProperty("id").GetString()!,
                ProductId = "",
                Category = c.GetProperty("category").GetString(),
                Query = c.GetProperty("query").GetString()!,
                OriginalText = c.GetProperty("original").GetString()!,
                CorrectedText = c.GetProperty("corrected").GetString()!,
            });
        }

        foreach (var q in json.RootElement.GetProperty("queries").EnumerateArray())
        {
            // Categories differ between the two written products; products here hold both, so the query goes unscoped.
            queries.Add((q.GetProperty("query").GetString()!, null, q.TryGetProperty("draft", out var d) ? d.GetString() : null));
        }
    }

    return (texts, queries);
}
