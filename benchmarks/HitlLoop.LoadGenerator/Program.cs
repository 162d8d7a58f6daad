using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.LoadGenerator;
using HitlLoop.Router;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using RabbitMQ.Client;

// Usage: dotnet run -c Release --project benchmarks/HitlLoop.LoadGenerator -- [amqp-uri] [responses] [copies] [poison]
//    or: dotnet run -c Release --project benchmarks/HitlLoop.LoadGenerator -- ratio [amqp-uri] [responses] [rounds] [review-share]
// "ratio" runs the Router alone beside a do-nothing consumer of the same messages and prints their ratio (BusCeiling);
// review-share (0 to 1, 0.5 unless given) is the share of the responses that fall below the threshold.
// Router and ReviewQueue run in this process on the given broker (use an idle virtual host), with an embedded
// store in a temporary folder unless Hitl__Store says otherwise. Half the responses fall below the threshold.
// With a poison fraction (e.g. 0.01) it runs clean, then with that share of the messages poisoned (invalid scores,
// missing ids, broken JSON), then clean again, and compares the valid messages' throughput.
if (args.FirstOrDefault() == "ratio")
{
    await BusCeiling.RunAsync(
        new Uri(args.ElementAtOrDefault(1) ?? "amqp://guest:guest@localhost:5672/"),
        int.Parse(args.ElementAtOrDefault(2) ?? "20000", CultureInfo.InvariantCulture),
        int.Parse(args.ElementAtOrDefault(3) ?? "3", CultureInfo.InvariantCulture),
        double.Parse(args.ElementAtOrDefault(4) ?? "0.5", CultureInfo.InvariantCulture) is var share and >= 0 and <= 1
            ? share
            : throw new ArgumentOutOfRangeException(nameof(args), "The review share is a fraction from 0 to 1."));
    return;
}

var amqp = new Uri(args.ElementAtOrDefault(0) ?? "amqp://guest:guest@localhost:5672/");
var responses = int.Parse(args.ElementAtOrDefault(1) ?? "5000", CultureInfo.InvariantCulture);
var copies = int.Parse(args.ElementAtOrDefault(2) ?? "2", CultureInfo.InvariantCulture);
var poison = double.Parse(args.ElementAtOrDefault(3) ?? "0", CultureInfo.InvariantCulture);
var dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-load", Guid.NewGuid().ToString("N"));

var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// The store comes from the environment when set (e.g. Hitl__Store=MongoDb, Hitl__MongoDb__ConnectionString=...).
var store = builder.Configuration["Hitl:Store"] ?? "Embedded";
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Hitl:Transport"] = "RabbitMq",
    ["Hitl:RabbitMq:Uri"] = amqp.ToString(),
    ["Hitl:Store"] = store,
    ["Hitl:Embedded:DataDirectory"] = dataDirectory,
    ["Router:DefaultConfidenceThreshold"] = "0.8",
    ["Router:AuditSampleRate"] = "0",
    ["Urls"] = "http://127.0.0.1:0",

    // Nothing calls this process's HTTP API, but every host must be able to authenticate a caller.
    ["Hitl:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
});
builder.AddHitlServices(new RouterService(), new ReviewQueueService());
await using var app = builder.Build();
app.MapHitlServices();
await app.StartAsync();

var decisions = app.Services.GetRequiredService<IDecisionStore>();
var items = app.Services.GetRequiredService<IReviewItemStore>();
var connection = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
const string exchange = "HitlLoop.Contracts:ResponseScored";
await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);

const string errorQueue = "router-response-scored_error";
if (poison <= 0)
{
    var run = await RunAsync("load", responses, copies, poisonEvery: 0);
    Console.WriteLine(run.Report);
}
else
{
    // An untimed warm-up (JIT, connections, the error queue), then clean, with poison, clean again: the baseline is the
    // mean of the two clean runs, made in the same process on the same (growing) store, so history favours neither.
    var every = (int)Math.Round(1 / poison);
    _ = await RunAsync("warm-up", Math.Max(100, responses / 5), copies, poisonEvery: every);
    var clean1 = await RunAsync("clean1", responses, copies, poisonEvery: 0);
    var mixed = await RunAsync("mixed", responses, copies, poisonEvery: every);
    var clean2 = await RunAsync("clean2", responses, copies, poisonEvery: 0);
    var baseline = (clean1.ValidPerSecond + clean2.ValidPerSecond) / 2;
    Console.WriteLine(string.Join(Environment.NewLine, clean1.Report, mixed.Report, clean2.Report));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"valid messages per second with 1 in {every} poisoned: {mixed.ValidPerSecond:F0} against {baseline:F0} clean = {mixed.ValidPerSecond / baseline:F2}x"));
    foreach (var reason in await ErrorReasonsAsync(3))
    {
        Console.WriteLine($"  error queue reason: {reason}");
    }
}

await channel.DisposeAsync();
await connection.DisposeAsync();
await app.StopAsync();
if (Directory.Exists(dataDirectory))
{
    Directory.Delete(dataDirectory, recursive: true);
}

// Ready messages in the queue; 0 before it exists (an error queue appears with its first message).
async Task<long> ReadyAsync(string queue)
{
    await using var probe = await connection.CreateChannelAsync();
    try
    {
        return (await probe.QueueDeclarePassiveAsync(queue)).MessageCount;
    }
    catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
    {
        return 0;
    }
}

async Task<Run> RunAsync(string name, int count, int copiesEach, int poisonEvery)
{
    var before = await decisions.StatsAsync(null, CancellationToken.None);
    var pendingBefore = (await items.CountAsync(CancellationToken.None)).Pending;
    var errorsBefore = await ReadyAsync(errorQueue);
    var messages = Enumerable.Range(0, count * copiesEach)
        .Select(n => (Index: n, Id: n % count))
        .Select(m => poisonEvery > 0 && m.Index % poisonEvery == poisonEvery - 1 ? Poison(m.Index) : Valid($"{name}-{m.Id:D7}", m.Id))
        .ToList();
    var poisoned = messages.Count(m => m.Poison);
    var valid = messages.Count - poisoned;
    var distinctValid = messages.Where(m => !m.Poison).Select(m => m.Id).Distinct().ToList();
    var toReview = distinctValid.Count(id => int.Parse(id[(id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture) % 2 == 0);

    var allocatedBefore = GC.GetTotalAllocatedBytes();
    var clock = Stopwatch.StartNew();
    var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
    foreach (var batch in messages.Chunk(200))
    {
        await Task.WhenAll(batch.Select(m => channel.BasicPublishAsync(exchange, "", false, properties, m.Body).AsTask()));
    }

    var published = clock.Elapsed;
    // Settled: both service queues drained (cheap to ask the broker), every poisoned message in the error queue, then
    // every response decided and every review queued (counting documents is not free, so asked once the queues look empty).
    do
    {
        await Task.Delay(100);
    }
    while (await ReadyAsync("router-response-scored") > 0
           || await ReadyAsync("review-queue-review-requested") > 0
           || await ReadyAsync(errorQueue) - errorsBefore < poisoned
           || (await decisions.StatsAsync(null, CancellationToken.None)).Total - before.Total < distinctValid.Count
           || (await items.CountAsync(CancellationToken.None)).Pending - pendingBefore < toReview);

    var settled = clock.Elapsed;
    var stats = await decisions.StatsAsync(null, CancellationToken.None);
    var pending = (await items.CountAsync(CancellationToken.None)).Pending - pendingBefore;
    var errors = await ReadyAsync(errorQueue) - errorsBefore;
    using var self = Process.GetCurrentProcess();
    var report = string.Create(CultureInfo.InvariantCulture, $"""
        {name}: {distinctValid.Count:N0} responses x {copiesEach} copies = {messages.Count:N0} messages ({poisoned:N0} poisoned) on {amqp.Host}:{amqp.Port}, {store} store
          published in        {published.TotalSeconds,8:F2} s  ({messages.Count / published.TotalSeconds,8:F0} msg/s)
          routed and queued   {settled.TotalSeconds,8:F2} s  ({messages.Count / settled.TotalSeconds,8:F0} msg/s end to end, {valid / settled.TotalSeconds:F0} valid msg/s)
          decisions           {stats.Total - before.Total:N0} ({stats.AutoApproved - before.AutoApproved:N0} auto-approved, {stats.ReviewRequested - before.ReviewRequested:N0} to review)
          review items        {pending:N0}; error queue {errors:N0}
          peak working set    {self.PeakWorkingSet64 / 1024.0 / 1024.0,8:F0} MiB
          allocated           {(GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)messages.Count / 1024.0,8:F1} KiB per message
        """);
    return new Run(report, valid / settled.TotalSeconds);
}

static Message Valid(string id, int i) => new(id, false, Encoding.UTF8.GetBytes(new JsonObject
{
    ["responseId"] = id,
    ["productId"] = "support-bot",
    ["query"] = "Can I change the delivery address after ordering?",
    ["response"] = "Yes, until the parcel ships you can change it under Orders > Delivery.",
    ["confidence"] = i % 2 == 0 ? 0.4 : 0.95,
    ["scoredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
}.ToJsonString()));

// Three kinds in turn: a score no policy can judge, a message without its key, and a body that is not JSON.
static Message Poison(int n) => new($"poison-{n}", true, (n / 100 % 3) switch
{
    0 => Encoding.UTF8.GetBytes($$"""{"responseId":"poison-{{n}}","productId":"support-bot","confidence":7.5}"""),
    1 => Encoding.UTF8.GetBytes("""{"productId":"support-bot","confidence":0.5}"""),
    _ => Encoding.UTF8.GetBytes("{ this is not json"),
});

async Task<List<string>> ErrorReasonsAsync(int count)
{
    await using var probe = await connection.CreateChannelAsync();
    var reasons = new List<string>();
    for (var i = 0; i < count; i++)
    {
        if (await probe.BasicGetAsync(errorQueue, autoAck: false) is not { } message)
        {
            break;
        }

        object? header = null;
        _ = message.BasicProperties.Headers?.TryGetValue("MT-Fault-Message", out header);
        reasons.Add(header is byte[] bytes ? Encoding.UTF8.GetString(bytes) : header?.ToString() ?? "(no reason header)");
    }

    return reasons;
}

internal sealed record Message(string Id, bool Poison, byte[] Body);

internal sealed record Run(string Report, double ValidPerSecond);
