using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.Router;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using RabbitMQ.Client;

// Usage: dotnet run -c Release --project benchmarks/HitlLoop.LoadGenerator -- [amqp-uri] [responses] [copies]
// Router and ReviewQueue run in this process on the given broker (use an idle virtual host), with an embedded
// store in a temporary folder unless Hitl__Store says otherwise. Half the responses fall below the threshold.
var amqp = new Uri(args.ElementAtOrDefault(0) ?? "amqp://guest:guest@localhost:5672/");
var responses = int.Parse(args.ElementAtOrDefault(1) ?? "5000", CultureInfo.InvariantCulture);
var copies = int.Parse(args.ElementAtOrDefault(2) ?? "2", CultureInfo.InvariantCulture);
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

var bodies = Enumerable.Range(0, responses * copies)
    .Select(n => n % responses)
    .Select(i => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["responseId"] = $"load-{i:D7}",
        ["productId"] = "support-bot",
        ["query"] = "Can I change the delivery address after ordering?",
        ["response"] = "Yes, until the parcel ships you can change it under Orders > Delivery.",
        ["confidence"] = i % 2 == 0 ? 0.4 : 0.95,
        ["scoredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    }.ToJsonString()))
    .ToList();

var allocatedBefore = GC.GetTotalAllocatedBytes();
var clock = Stopwatch.StartNew();
var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
foreach (var batch in bodies.Chunk(200))
{
    await Task.WhenAll(batch.Select(body => channel.BasicPublishAsync(exchange, "", false, properties, body).AsTask()));
}

var published = clock.Elapsed;
// Settled: both service queues drained (cheap to ask the broker), then every response decided and every review
// queued (counting documents is not free, so it is asked only once the queues look empty).
do
{
    await Task.Delay(100);
}
while (await ReadyAsync("router-response-scored") > 0
       || await ReadyAsync("review-queue-review-requested") > 0
       || (await decisions.StatsAsync(null, CancellationToken.None)).Total < responses
       || (await items.CountAsync(CancellationToken.None)).Pending < responses / 2);

var settled = clock.Elapsed;
var stats = await decisions.StatsAsync(null, CancellationToken.None);
var pending = (await items.CountAsync(CancellationToken.None)).Pending;
using var self = Process.GetCurrentProcess();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
    responses {responses:N0} x {copies} copies = {bodies.Count:N0} messages on {amqp.Host}:{amqp.Port}, {store} store
    published in        {published.TotalSeconds,8:F2} s  ({bodies.Count / published.TotalSeconds,8:F0} msg/s)
    routed and queued   {settled.TotalSeconds,8:F2} s  ({bodies.Count / settled.TotalSeconds,8:F0} msg/s end to end)
    decisions           {stats.Total:N0} ({stats.AutoApproved:N0} auto-approved, {stats.ReviewRequested:N0} to review)
    review items        {pending:N0}
    peak working set    {self.PeakWorkingSet64 / 1024.0 / 1024.0,8:F0} MiB
    allocated           {(GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)bodies.Count / 1024.0,8:F1} KiB per message
    """));

await channel.DisposeAsync();
await connection.DisposeAsync();
await app.StopAsync();
if (Directory.Exists(dataDirectory))
{
    Directory.Delete(dataDirectory, recursive: true);
}

async Task<uint> ReadyAsync(string queue)
{
    await using var probe = await connection.CreateChannelAsync();
    return (await probe.QueueDeclarePassiveAsync(queue)).MessageCount;
}
