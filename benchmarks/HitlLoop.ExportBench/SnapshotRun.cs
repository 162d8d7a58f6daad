using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HitlLoop.ExportBench;

/// <summary>
/// TrainingOrchestrator's dataset snapshot at a given number of accepted corrections, on a fresh embedded store in
/// this process: the examples are loaded straight into its collection (as the consumer would have stored them), a
/// manual retrain builds the snapshot (numbering every example, then streaming them all through the six file
/// hashes), and the whole SFT file is downloaded over HTTP with the ML team's key, hashed as it arrives and checked
/// against the snapshot's; then 1,000 more corrections arrive and the next snapshot is built (numbering the new ones,
/// hashing all). For each phase: records per second and the live managed heap's peak above its start; and the store's
/// size on disk before and after the first build, which shows that a snapshot stores no copy of the lines. The first
/// build's peak is mostly the embedded store's page cache, which LiteDB 5 grows to the pages a process has touched
/// and never caps; once warm (the later phases), what the build and the download hold stays flat.
/// </summary>
internal static class SnapshotRun
{
    private const string MlKey = "bench-ml-key";

    public static async Task RunAsync(IReadOnlyList<int> sizes)
    {
        var rows = new List<string>();
        foreach (var size in sizes)
        {
            rows.Add(await MeasureAsync(size));
        }

        Console.WriteLine();
        Console.WriteLine($"{"examples",10} {"build rec/s",12} {"build peak",11} {"next build rec/s",17} {"its peak",12} {"download rec/s",15} {"MiB/s",6} {"download peak",14} {"store before → after build",27}");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }
    }

    private static async Task<string> MeasureAsync(int size)
    {
        var directory = Path.Combine(Path.GetTempPath(), "hitl-snapshot-bench", Guid.NewGuid().ToString("N"));
        var app = await BenchHost.StartAsync(new TrainingOrchestratorService(), directory, new Dictionary<string, string?>
        {
            ["Hitl:Auth:ApiKeys:0:Id"] = "bench-ml",
            ["Hitl:Auth:ApiKeys:0:Name"] = "Benchmark ML team",
            ["Hitl:Auth:ApiKeys:0:Key"] = MlKey,
            ["Hitl:Auth:ApiKeys:0:Roles:0"] = "ml",
        });
        try
        {
            var examples = app.Services.GetRequiredService<IDocumentStoreFactory>()
                .ForService(TrainingOrchestratorService.ServiceName)
                .GetCollection<TrainingExample>(TrainingExample.CollectionName);
            var loading = Stopwatch.StartNew();
            var start = DateTime.UtcNow.AddDays(-365);
            foreach (var batch in Enumerable.Range(0, size).Chunk(2_000))
            {
                await examples.TryInsertManyAsync([.. batch.Select(i => Example(i, start))]);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0}: loaded in {loading.Elapsed.TotalSeconds:F1} s"));
            var storeBefore = SizeMiB(directory);

            var building = Stopwatch.StartNew();
            var heap = HeapPeak.Start();
            SnapshotResult result;
            try
            {
                result = await app.Services.GetRequiredService<RetrainCoordinator>().RequestManuallyAsync(CancellationToken.None);
            }
            finally
            {
                await heap.DisposeAsync();
            }

            var built = building.Elapsed;
            var buildPeak = heap.AboveStartMiB;
            var snapshot = result.Snapshot ?? throw new InvalidOperationException($"No snapshot: {result.Outcome}.");
            var storeAfter = SizeMiB(directory);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0}: built {snapshot.Id} in {built.TotalSeconds:F1} s"));

            var (lines, bytes, hash, downloaded, downloadPeak) = await DownloadAsync(app, snapshot.Id);
            if (lines != size || hash != snapshot.ContentHash)
            {
                throw new InvalidOperationException($"Downloaded {lines:N0} lines hashing {hash}; the snapshot holds {size:N0} hashing {snapshot.ContentHash}.");
            }

            // The next snapshot, as the loop makes them: 1,000 new corrections numbered, every example hashed again.
            await examples.TryInsertManyAsync([.. Enumerable.Range(size, 1_000).Select(i => Example(i, start))]);
            var rebuilding = Stopwatch.StartNew();
            var again = HeapPeak.Start();
            try
            {
                result = await app.Services.GetRequiredService<RetrainCoordinator>().RequestManuallyAsync(CancellationToken.None);
            }
            finally
            {
                await again.DisposeAsync();
            }

            var rebuilt = rebuilding.Elapsed;
            if (result.Snapshot?.Counts.Examples != size + 1_000)
            {
                throw new InvalidOperationException($"The next snapshot holds {result.Snapshot?.Counts.Examples} examples, not {size + 1_000:N0}.");
            }

            return string.Create(
                CultureInfo.InvariantCulture,
                $"{size,10:N0} {size / built.TotalSeconds,12:N0} {buildPeak,7:F1} MiB {(size + 1_000) / rebuilt.TotalSeconds,14:N0} {again.AboveStartMiB,9:F1} MiB {size / downloaded.TotalSeconds,15:N0} {bytes / 1024.0 / 1024.0 / downloaded.TotalSeconds,6:F1} {downloadPeak,10:F1} MiB {storeBefore,12:F0} → {storeAfter,6:F0} MiB");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>GET the whole SFT file as the ML team would, hashing and counting it as it arrives.</summary>
    private static async Task<(long Lines, long Bytes, string Hash, TimeSpan Elapsed, double PeakMiB)> DownloadAsync(WebApplication app, string datasetId)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromHours(1) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MlKey);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81_920];
        long lines = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        var heap = HeapPeak.Start();
        try
        {
            using var response = await client.GetAsync(new Uri($"/api/datasets/{datasetId}/sft.jsonl", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
                bytes += read;
            }
        }
        finally
        {
            await heap.DisposeAsync();
        }

        return (lines, bytes, "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset()), clock.Elapsed, heap.AboveStartMiB);
    }

    private static double SizeMiB(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) / 1024.0 / 1024.0;

    private static TrainingExample Example(int i, DateTime start) => new()
    {
        Id = $"ge-rev-{i:D8}",
        ResponseId = $"resp-{i:D8}",
        ReviewId = $"rev-{i:D8}",
        ProductId = $"product-{i % 20:D2}",
        Query = $"I was charged twice for order {i}. Can I get the duplicate refunded?",
        RecentTurns = [new ConversationTurn { Role = "user", Text = "Hi, I have a billing question." }],
        OriginalText = "Refunds are only possible within 14 days of purchase.",
        CorrectedText = "Duplicate charges are always refunded in full. I have refunded the second charge; it reaches your card in 3-5 days.",
        Categories = ["billing", "refunds"],
        ReviewerId = $"reviewer-{i % 50}",
        ReviewerReliability = 0.9,
        ModelVersion = "support-bot-2026.11.1",
        AcceptedAt = start.AddSeconds(i * 20),
        ReceivedAt = start.AddSeconds((i * 20) + 1),
        Split = DatasetSplits.Assign($"ge-rev-{i:D8}", 0.1),
        IsPreferencePair = true,
    };
}
