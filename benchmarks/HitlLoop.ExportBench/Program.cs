using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using HitlLoop.Contracts;
using HitlLoop.ExportBench;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Exports;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;

// Usage: dotnet run -c Release --project benchmarks/HitlLoop.ExportBench -- [snapshot] [sizes]
// Golden export (the default): for each size (default 100000,1000000 golden examples over 20 products) Feedback runs in
// this process on a fresh embedded store. The examples are loaded straight into its collection, then exported whole as
// SFT JSONL through the same reader and writer GET /api/feedback/exports/sft.jsonl uses, into a stream that counts
// bytes. The managed heap is sampled every 10 ms during the export: its peak above the heap before the export is what
// the export holds. "snapshot" measures TrainingOrchestrator's dataset snapshot instead (see SnapshotRun).
if (args.Length > 0 && args[0] == "snapshot")
{
    await SnapshotRun.RunAsync(args.Length > 1 ? [.. args[1].Split(',').Select(int.Parse)] : [100_000, 1_000_000]);
    return;
}

var sizes = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [100_000, 1_000_000];
var results = new List<(int Size, double PerSecond, double PeakHeapMiB, double MiBPerSecond)>();
foreach (var size in sizes)
{
    results.Add(await MeasureAsync(size));
}

Console.WriteLine();
Console.WriteLine($"{"examples",10} {"records/s",10} {"MiB/s",7} {"peak heap above start",22}");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Size,10:N0} {r.PerSecond,10:N0} {r.MiBPerSecond,7:F1} {r.PeakHeapMiB,18:F1} MiB"));
}

return;

async Task<(int, double, double, double)> MeasureAsync(int size)
{
    var directory = Path.Combine(Path.GetTempPath(), "hitl-export-bench", Guid.NewGuid().ToString("N"));
    var app = await BenchHost.StartAsync(new FeedbackService(), directory);
    try
    {
        var golden = app.Services.GetRequiredService<IDocumentStoreFactory>()
            .ForService(FeedbackService.ServiceName)
            .GetCollection<GoldenExample>("golden-examples");
        var loading = Stopwatch.StartNew();
        var start = DateTime.UtcNow.AddDays(-365);
        foreach (var batch in Enumerable.Range(0, size).Chunk(2_000))
        {
            await golden.TryInsertManyAsync([.. batch.Select(i => Example(i, start))]);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0}: loaded in {loading.Elapsed.TotalSeconds:F1} s"));

        var reader = app.Services.GetRequiredService<GoldenReader>();
        var output = new CountingStream();
        var exporting = Stopwatch.StartNew();
        var heap = HeapPeak.Start();
        try
        {
            await GoldenExports.WriteSftAsync(output, reader.ReadAllAsync(new GoldenQuery(null, null, null, null, null), CancellationToken.None), CancellationToken.None);
        }
        finally
        {
            await heap.DisposeAsync();
        }

        var elapsed = exporting.Elapsed;
        var peak = heap.AboveStartMiB;
        if (output.Lines != size)
        {
            throw new InvalidOperationException($"Exported {output.Lines:N0} lines of {size:N0} examples.");
        }

        return (size, size / elapsed.TotalSeconds, peak, output.Length / 1024.0 / 1024.0 / elapsed.TotalSeconds);
    }
    finally
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }
}

static GoldenExample Example(int i, DateTime start) => new()
{
    Id = $"ge-rev-{i:D8}",
    ProductId = $"product-{i % 20:D2}",
    Query = $"I was charged twice for order {i}. Can I get the duplicate refunded?",
    Context = new ResponseContext { Category = "billing", RecentTurns = [new ConversationTurn { Role = "user", Text = "Hi, I have a billing question." }] },
    HumanOutput = "Duplicate charges are always refunded in full. I have refunded the second charge; it reaches your card in 3-5 days.",
    OriginalText = "Refunds are only possible within 14 days of purchase.",
    Categories = ["billing", "refunds"],
    Labels = ["wrong_policy"],
    ReviewerId = $"reviewer-{i % 50}",
    ResponseId = $"resp-{i:D8}",
    ReviewId = $"rev-{i:D8}",
    Similarity = 0.41,
    ModelVersion = "support-bot-2026.11.1",
    ReviewedAt = start.AddSeconds(i * 20),
    AcceptedAt = start.AddSeconds((i * 20) + 1),
};

/// <summary>Counts what the export writes, and its lines, and keeps nothing.</summary>
internal sealed class CountingStream : Stream
{
    private long _length;

    public long Lines { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _length += buffer.Length;
        Lines += buffer.Count((byte)'\n');
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
