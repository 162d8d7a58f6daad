using HitlLoop.PatternLearner;
using HitlLoop.PatternLearner.Retrieval;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>The search index is each replica's cache of the store: it survives restarts and learns what other replicas record.</summary>
public sealed class CorrectionIndexTests
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));

    [TearDown]
    public void Clean()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static CorrectionRecord Recorded(string id, string query, DateTime at) => new()
    {
        Id = id,
        ProductId = "shop/é",
        Query = query,
        OriginalText = "I'm not sure.",
        CorrectedText = "Here is exactly how.",
        AcceptedAt = at,
        RecordedAt = at,
    };

    [Test]
    public async Task Corrections_another_replica_recorded_are_read_into_this_ones_index()
    {
        await using var app = new HitlApp<PatternLearnerService>(dataDirectory: _data);
        var search = app.Services.GetRequiredService<CorrectionSearch>();
        await app.Services.GetRequiredService<CorrectionIndexFeed>().CaughtUp.WaitAsync(TimeSpan.FromSeconds(60));

        // Stored as another replica would: straight into the shared store, not through this replica's learner.
        var now = DateTime.UtcNow;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        await app.Services.GetRequiredService<ICorrectionStore>().RecordOnceAsync(Recorded("other-1", "Can I return opened headphones?", now), CancellationToken.None);
        Assert.That(search.Search("shop/é", null, "sending back earbuds I unboxed", null, 3), Is.Empty, "not read yet");

        await app.Services.GetRequiredService<CorrectionIndexFeed>().ReadOnAsync(CancellationToken.None);

        Assert.That(search.Search("shop/é", null, "sending back earbuds I unboxed", null, 3).Select(h => h.CorrectionId), Is.EqualTo(new[] { "other-1" }));
        Assert.That(search.ReadUpTo, Is.EqualTo(now));
    }

    [Test]
    public async Task The_index_reopens_after_a_restart_with_every_correction_and_reads_on_from_its_last_commit()
    {
        var first = DateTime.UtcNow;
        await using (var app = new HitlApp<PatternLearnerService>(dataDirectory: _data))
        {
            await app.Services.GetRequiredService<CorrectionIndexFeed>().CaughtUp.WaitAsync(TimeSpan.FromSeconds(60));
            await app.Services.GetRequiredService<CorrectionLearner>().LearnAsync(
                CorrectionAcceptedConsumerTests.Correction("ge-1", "Can I get the duplicate charge refunded?") with { ProductId = "shop/é" }, CancellationToken.None);
            await app.Services.GetRequiredService<CorrectionIndexFeed>().ReadOnAsync(CancellationToken.None);

            // Recorded after the index's last commit, as if this replica had stopped before reading it.
            await app.Services.GetRequiredService<ICorrectionStore>().RecordOnceAsync(Recorded("late-1", "Where is my parcel?", first.AddMinutes(1)), CancellationToken.None);
        }

        await using var restarted = new HitlApp<PatternLearnerService>(dataDirectory: _data);
        var search = restarted.Services.GetRequiredService<CorrectionSearch>();
        Assert.That(search.Count, Is.GreaterThanOrEqualTo(1), "the index comes back from disk");
        Assert.That(search.Search("shop/é", null, "I was charged twice, money back please", null, 1).Single().CorrectionId, Is.EqualTo("ge-1"));

        await restarted.Services.GetRequiredService<CorrectionIndexFeed>().CaughtUp.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(search.Search("shop/é", null, "my package has not arrived", null, 1).Single().CorrectionId, Is.EqualTo("late-1"));
        Assert.That(search.Count, Is.EqualTo(2));
    }
}
