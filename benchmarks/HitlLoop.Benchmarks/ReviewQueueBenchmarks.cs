using BenchmarkDotNet.Attributes;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HitlLoop.Benchmarks;

/// <summary>
/// The reviewer's hot paths on the embedded store, with and without a long history of finished reviews behind the
/// open ones: claim-next then release (which puts the item back, so the queue keeps its size), the first page of
/// the pending list, and the queue stats. History = 0 is the baseline each larger history is a ratio of.
/// </summary>
[MemoryDiagnoser]
public class ReviewQueueBenchmarks
{
    private const int Pending = 5_000;

    private ServiceProvider _services = null!;
    private IReviewItemStore _store = null!;
    private string _directory = null!;

    [Params(0, 20_000)]
    public int Finished { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "hitl-bench", Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:Store"] = "Embedded",
            ["Hitl:Embedded:DataDirectory"] = _directory,
        });
        builder.AddHitlInfrastructure(new ReviewQueueService());
        _services = builder.Services.BuildServiceProvider();
        foreach (var setup in _services.GetServices<IStoreSetup>())
        {
            setup.SetUpAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        _store = _services.GetRequiredService<IReviewItemStore>();
        var now = DateTime.UtcNow;
        for (var i = 0; i < Finished; i++)
        {
            var done = Item($"done-{i}", now).Claim("seed", TimeSpan.FromMinutes(5), now).Item
                .Submit("seed", new ReviewSubmission { Verdict = ReviewVerdict.Approved }, now, TimeProvider.System).Item
                .WithOutboxDelivered();
            _store.EnqueueOnceAsync(done, CancellationToken.None).GetAwaiter().GetResult();
        }

        for (var i = 0; i < Pending; i++)
        {
            _store.EnqueueOnceAsync(Item($"open-{i}", now), CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public async Task<ReviewItem?> ClaimNextThenRelease()
    {
        var now = DateTime.UtcNow;
        var claimed = await _store.ClaimNextAsync("bench", [], TimeSpan.FromMinutes(10), now, CancellationToken.None);
        await _store.ChangeAsync(claimed!.Id, i => i.Release("bench", now), CancellationToken.None);
        return claimed;
    }

    [Benchmark]
    public Task<ReviewPage> PendingFirstPage() =>
        _store.ListAsync(new ReviewListQuery(ReviewStatus.Pending, null, null, 50), CancellationToken.None);

    [Benchmark]
    public Task<QueueCounts> QueueStats() => _store.CountAsync(CancellationToken.None);

    private static ReviewItem Item(string id, DateTime now) => ReviewItem.Enqueue(new ReviewRequested
    {
        Response = new ResponseScored { ResponseId = id, ProductId = "support-bot", Query = "Why was I charged twice?", Response = SupportTexts.ShortOriginal },
        Triggers = [new ReviewTrigger { Code = "low_confidence", Priority = ReviewPriority.High }],
        Priority = (ReviewPriority)(id.Length % 4),
        RequiredReviews = 1,
        PolicyVersion = "bench",
        DueBy = now.AddMinutes(id.GetHashCode(StringComparison.Ordinal) % 600),
    }, now);
}
