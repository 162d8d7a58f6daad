using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using HitlLoop.Tests.Support;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Consumers;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HitlLoop.Tests.TrainingOrchestrator;

public sealed class CorrectionAcceptedConsumerTests
{
    private ServiceHarness _harness = null!;
    private int _consumed;

    [SetUp]
    public async Task Start()
    {
        _consumed = 0;
        _harness = await ServiceHarness.StartAsync(
            [new TrainingOrchestratorService()],
            new Dictionary<string, string?>
            {
                ["TrainingOrchestrator:RetrainThreshold"] = "3",
                ["TrainingOrchestrator:BaseModelVersion"] = "support-bot-2025.06.1",
                ["TrainingOrchestrator:Cooldown"] = "00:00:00",
                ["TrainingOrchestrator:MaxOpenRequests"] = "100",
            });
    }

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private IDatasetStore Store => _harness.Get<IDatasetStore>();

    /// <summary>Publishes the corrections and waits until the consumer has handled each of them.</summary>
    private async Task AcceptAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            await _harness.Bus.Bus.Publish(TrainingData.Correction(id));
        }

        _consumed += ids.Length;
        var consumed = _harness.Bus.GetConsumerHarness<CorrectionAcceptedConsumer>().Consumed;
        var handled = await HarnessPolling.EventuallyAsync(consumed.SoFar<CorrectionAccepted>, all => all.Count >= _consumed);
        Assert.That(handled, Has.Count.EqualTo(_consumed), "every correction consumed");
    }

    private List<RetrainRequested> RetrainRequests() => _harness.Bus.Published.SoFar<RetrainRequested>();

    [Test]
    public async Task Three_new_corrections_request_one_retrain_on_dataset_ds_000001()
    {
        await AcceptAsync("gold-1", "gold-2", "gold-3");

        var request = RetrainRequests().Single();
        Assert.Multiple(() =>
        {
            Assert.That(request.DatasetId, Is.EqualTo("ds-000001"));
            Assert.That(request.DatasetVersion, Is.EqualTo(1));
            Assert.That(request.RequestId, Is.EqualTo("rr-000001"));
            Assert.That(request.Counts.Examples, Is.EqualTo(3));
            Assert.That(request.Counts.Train + request.Counts.Eval, Is.EqualTo(3));
            Assert.That(request.Counts.PreferencePairs, Is.EqualTo(3));
            Assert.That(request.ContentHash, Does.Match("^sha256:[0-9a-f]{64}$"));
            Assert.That(request.TriggerReason, Is.EqualTo("correction_threshold"));
            Assert.That(request.Evidence["newCorrections"], Is.EqualTo(3));
            Assert.That(request.Evidence["threshold"], Is.EqualTo(3));
            Assert.That(request.BaseModelVersion, Is.EqualTo("support-bot-2025.06.1"));
            Assert.That(request.Formats.Select(f => f.Url.AbsoluteUri), Does.Contain("http://localhost:5005/api/datasets/ds-000001/sft.jsonl"));
        });
    }

    [Test]
    public async Task A_correction_that_repeats_a_golden_example_is_neither_stored_nor_counted()
    {
        await AcceptAsync("gold-1", "gold-2");
        await _harness.Bus.Bus.Publish(TrainingData.Correction("gold-2-again") with { DuplicateOf = "gold-2" });
        _consumed++;
        await HarnessPolling.EventuallyAsync(_harness.Bus.GetConsumerHarness<CorrectionAcceptedConsumer>().Consumed.SoFar<CorrectionAccepted>, all => all.Count >= _consumed);

        Assert.That(RetrainRequests(), Is.Empty, "two new examples, not three");
        Assert.That((await Store.CountPendingAsync(CancellationToken.None)).Corrections, Is.EqualTo(2));
    }

    [Test]
    public async Task A_fourth_correction_alone_does_not_request_another_retrain()
    {
        await AcceptAsync("gold-1", "gold-2", "gold-3", "gold-4");

        Assert.That(RetrainRequests(), Has.Count.EqualTo(1));
        Assert.That(await Store.CountPendingAsync(CancellationToken.None), Is.EqualTo(new PendingExamples(1, 1)));
    }

    [Test]
    public async Task A_redelivered_correction_is_counted_once()
    {
        await AcceptAsync("gold-1", "gold-2", "gold-2", "gold-1");

        Assert.That(RetrainRequests(), Is.Empty);

        await AcceptAsync("gold-3");

        Assert.That(RetrainRequests().Single().Counts.Examples, Is.EqualTo(3));
    }

    [Test]
    public async Task Three_more_corrections_request_ds_000002_holding_all_six_examples()
    {
        await AcceptAsync("gold-1", "gold-2", "gold-3");
        await AcceptAsync("gold-4", "gold-5", "gold-6");

        var requests = RetrainRequests().OrderBy(r => r.DatasetVersion).ToList();
        Assert.That(requests.Select(r => r.DatasetId), Is.EqualTo(new[] { "ds-000001", "ds-000002" }));
        Assert.That(requests[1].Counts.Examples, Is.EqualTo(6));
        Assert.That(requests[1].Evidence["newCorrections"], Is.EqualTo(3));
        Assert.That(requests[1].ContentHash, Is.Not.EqualTo(requests[0].ContentHash));

        var first = await Store.FindSnapshotAsync("ds-000001", CancellationToken.None);
        var second = await Store.FindSnapshotAsync("ds-000002", CancellationToken.None);
        var firstIds = await Store.ReadLinesAsync(first!, CancellationToken.None).Select(l => l.ExampleId).ToListAsync();
        var secondIds = await Store.ReadLinesAsync(second!, CancellationToken.None).Select(l => l.ExampleId).ToListAsync();
        Assert.That(secondIds, Is.SupersetOf(firstIds), "version 2 contains version 1");
        var firstAgain = await Store.ReadLinesAsync(first!, CancellationToken.None).Select(l => l.Sft).ToListAsync();
        var secondLines = await Store.ReadLinesAsync(second!, CancellationToken.None).Select(l => l.Sft).ToListAsync();
        Assert.That(secondLines.Take(3), Is.EqualTo(firstAgain), "line for line, split included: the eval holdout of version 1 stays in version 2");
        Assert.That(DatasetBuilder.ContentHashOf(firstAgain), Is.EqualTo(first!.ContentHash), "version 1 reads the same bytes after version 2 was built");
        Assert.That(firstIds, Is.EqualTo(secondIds.Take(3)), "in the same order: the first three lines of version 2 are version 1");
        Assert.That((second!.FirstNewOrdinal, second.MaxOrdinal), Is.EqualTo((4L, 6L)));
        Assert.That(second.Manifest!.FirstNewOrdinal, Is.EqualTo(4));
    }

    [Test]
    public async Task A_build_left_half_done_by_a_dead_replica_is_finished_once_its_lease_lapses_and_matches_a_fresh_build()
    {
        foreach (var id in new[] { "gold-1", "gold-2", "gold-3", "gold-4" })
        {
            await Store.AddExampleAsync(TrainingData.Example(id), CancellationToken.None);
        }

        // What a replica leaves when it dies mid-numbering: its lease, two examples numbered, two not.
        await Store.TryStartBuildAsync(
            new SnapshotBuild { Id = "ds-000001", DatasetVersion = 1, FirstOrdinal = 1, Holder = "dead-replica", RenewedAt = DateTime.UtcNow, TriggerReason = "correction_threshold" },
            CancellationToken.None);
        await Store.NumberAsync("gold-3", 1, "ds-000001", CancellationToken.None);
        await Store.NumberAsync("gold-1", 2, "ds-000001", CancellationToken.None);
        var coordinator = _harness.Get<RetrainCoordinator>();

        var whileHeld = await coordinator.ResumeAsync(CancellationToken.None);
        var build = await Store.FindBuildAsync("ds-000001", CancellationToken.None);
        await Store.RenewBuildAsync(build!, "dead-replica", DateTime.UtcNow.AddHours(-1), CancellationToken.None);
        var resumed = await coordinator.ResumeAsync(CancellationToken.None);

        Assert.That(whileHeld.Outcome, Is.EqualTo(SnapshotOutcome.Superseded), "a live lease is left alone");
        Assert.That(resumed.Outcome, Is.EqualTo(SnapshotOutcome.Built));
        var snapshot = resumed.Snapshot!;
        Assert.That((snapshot.Counts.Examples, snapshot.MaxOrdinal, snapshot.TriggerReason), Is.EqualTo((4, 4L, "correction_threshold")));
        var lines = await Store.ReadLinesAsync(snapshot, CancellationToken.None).ToListAsync();
        Assert.That(lines.Select(l => l.ExampleId), Is.EqualTo(new[] { "gold-3", "gold-1", "gold-2", "gold-4" }), "numbered on from where the dead replica stopped");
        Assert.That(await Store.FindBuildAsync("ds-000001", CancellationToken.None), Is.Null, "the lease is gone with the commit");
        Assert.That((await Store.CountPendingAsync(CancellationToken.None)).Corrections, Is.Zero);

        // The same examples in the same order, built in memory, give the same bytes.
        var examples = await Store.ExamplesAsync(1, 4, CancellationToken.None).ToListAsync();
        var fresh = _harness.Get<DatasetBuilder>().Build(examples, 1, RetrainPolicy.Manual(new PendingExamples(4, 4))!, null, DateTimeOffset.UtcNow);
        Assert.That(fresh.ContentHash, Is.EqualTo(snapshot.ContentHash));
        Assert.That(fresh.Files.Select(f => (f.ContentHash, f.Bytes)), Is.EqualTo(snapshot.Files.Select(f => (f.ContentHash, f.Bytes))));
        Assert.That(RetrainRequests().Single().RequestId, Is.EqualTo("rr-000001"));
    }

    [Test]
    public async Task A_retrain_request_stored_but_never_published_goes_out_on_the_next_outbox_sweep()
    {
        var request = new RetrainRequested
        {
            RequestId = "rr-000042",
            DatasetId = "ds-000042",
            DatasetVersion = 42,
            ContentHash = "sha256:" + new string('0', 64),
            Counts = new DatasetCounts { Examples = 1, Train = 1 },
            Formats = [],
            TriggerReason = TriggerReasons.Manual,
        };
        var snapshots = _harness.Get<IDocumentStoreFactory>().ForService(TrainingOrchestratorService.ServiceName)
            .GetCollection<DatasetSnapshot>(DatasetSnapshot.CollectionName);
        await snapshots.TryInsertAsync(new DatasetSnapshot
        {
            Id = "ds-000042",
            DatasetVersion = 42,
            RequestId = "rr-000042",
            ContentHash = request.ContentHash,
            Counts = request.Counts,
            TriggerReason = request.TriggerReason,
            Request = request,
            Outbox = [Outbox.Message(request, TimeProvider.System)],
            OutboxPending = true,
        });

        var sweeper = _harness.Services.GetServices<IHostedService>().OfType<OutboxSweeper<DatasetSnapshot>>().Single();
        await sweeper.SweepOnceAsync();

        Assert.That(RetrainRequests().Select(r => r.RequestId), Does.Contain("rr-000042"));
        Assert.That((await snapshots.FindByIdAsync("ds-000042"))?.OutboxPending, Is.False);
    }

    [Test]
    public async Task A_correction_without_a_query_faults_with_the_reason_and_is_not_stored()
    {
        await _harness.Bus.Bus.Publish(TrainingData.Correction("bad-1") with { Query = " " });

        var faults = await HarnessPolling.EventuallyAsync(_harness.Bus.Published.SoFar<Fault<CorrectionAccepted>>, all => all.Count > 0);
        var exception = faults.Single().Exceptions[0];
        Assert.That(exception.Message, Does.Contain("query is required"));
        Assert.That(exception.ExceptionType, Does.Contain("MessageValidationException"));
        Assert.That((await Store.CountPendingAsync(CancellationToken.None)).Corrections, Is.Zero);
    }
}
