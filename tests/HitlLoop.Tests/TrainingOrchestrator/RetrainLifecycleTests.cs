using System.Diagnostics.Metrics;
using HitlLoop.Contracts;
using HitlLoop.Tests.Support;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Consumers;
using HitlLoop.TrainingOrchestrator.Storage;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.TrainingOrchestrator;

/// <summary>
/// A retrain request's life: requested, acknowledged, training, then promoted or rejected by the gate, or timed out;
/// while one is open (or within the cooldown) the automatic triggers wait.
/// </summary>
public sealed class RetrainLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private ServiceHarness _harness = null!;
    private int _corrections;

    private async Task StartAsync(string timeout = "01:00:00", string cooldown = "00:00:00", int maxOpen = 1) =>
        _harness = await ServiceHarness.StartAsync(
            [new TrainingOrchestratorService()],
            new Dictionary<string, string?>
            {
                ["TrainingOrchestrator:RetrainThreshold"] = "2",
                ["TrainingOrchestrator:RetrainTimeout"] = timeout,
                ["TrainingOrchestrator:Cooldown"] = cooldown,
                ["TrainingOrchestrator:MaxOpenRequests"] = maxOpen.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["TrainingOrchestrator:SnapshotLease"] = "1.00:00:00",
                ["TrainingOrchestrator:Gate:Metric"] = "winRate",
            },
            services => services.AddSingleton<TimeProvider>(_clock));

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private RetrainRequests Requests => _harness.Get<RetrainRequests>();

    private IDatasetStore Store => _harness.Get<IDatasetStore>();

    private async Task AcceptAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _harness.Get<RetrainCoordinator>().AcceptAsync(TrainingData.Correction($"gold-{++_corrections}"), CancellationToken.None);
        }
    }

    private async Task<RetrainStatus?> StatusAsync(string requestId) => (await Store.FindSnapshotByRequestAsync(requestId, CancellationToken.None))?.Status;

    private async Task CompleteAsync(string requestId, string model, double winRate)
    {
        await _harness.Bus.Bus.Publish(new RetrainCompleted
        {
            RequestId = requestId,
            NewModelVersion = model,
            Metrics = new Dictionary<string, double> { ["winRate"] = winRate },
            BaselineMetrics = new Dictionary<string, double> { ["winRate"] = 0.5 },
            Promoted = true,
            CompletedAt = _clock.GetUtcNow(),
        });
        await HarnessPolling.EventuallyAsync(
            () => _harness.Bus.GetConsumerHarness<RetrainCompletedConsumer>().Consumed.SoFar<RetrainCompleted>().Where(m => m.NewModelVersion == model).ToList(),
            found => found.Count > 0);
    }

    [Test]
    public async Task A_request_goes_from_requested_through_acknowledged_and_training_to_the_gate_s_decision_and_stays_closed()
    {
        await StartAsync();
        var transitions = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, Requests.Meter) && instrument.Name == "hitl.retrain.transitions")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => transitions.Add((string)tags.ToArray().Single(t => t.Key == "status").Value!));
        listener.Start();

        await AcceptAsync(2);
        var acknowledged = await Requests.MoveAsync("rr-000001", RetrainStatus.Acknowledged, "job 42 queued", CancellationToken.None);
        var again = await Requests.MoveAsync("rr-000001", RetrainStatus.Acknowledged, null, CancellationToken.None);
        await Requests.MoveAsync("rr-000001", RetrainStatus.Training, null, CancellationToken.None);
        var backwards = await Requests.MoveAsync("rr-000001", RetrainStatus.Acknowledged, null, CancellationToken.None);
        await CompleteAsync("rr-000001", "bot-v2", winRate: 0.6);
        var afterwards = await Requests.MoveAsync("rr-000001", RetrainStatus.Training, null, CancellationToken.None);

        var request = await Store.FindSnapshotByRequestAsync("rr-000001", CancellationToken.None);
        Assert.That((acknowledged.Outcome, again.Outcome, backwards.Outcome, afterwards.Outcome),
            Is.EqualTo((MoveOutcome.Moved, MoveOutcome.Unchanged, MoveOutcome.Unchanged, MoveOutcome.Closed)));
        Assert.That(request!.History.Select(h => h.Status), Is.EqualTo(new[]
        {
            RetrainStatus.Requested, RetrainStatus.Acknowledged, RetrainStatus.Training, RetrainStatus.Promoted,
        }));
        Assert.That((request.Status, request.Open), Is.EqualTo((RetrainStatus.Promoted, false)));
        Assert.That(request.History[1].Note, Is.EqualTo("job 42 queued"));
        Assert.That(request.History[3].Note, Does.StartWith("bot-v2: winRate improved 20%"));
        Assert.That(request.History[0].Note, Does.StartWith("correction_threshold: "));
        Assert.That(transitions, Is.EqualTo(new[] { "Requested", "Acknowledged", "Training", "Promoted" }));
    }

    [Test]
    public async Task An_open_request_holds_the_automatic_trigger_until_it_times_out_and_a_late_model_is_still_recorded()
    {
        await StartAsync(timeout: "01:00:00");

        await AcceptAsync(2);
        await AcceptAsync(3);
        var whileOpen = await Store.LatestSnapshotAsync(CancellationToken.None);
        // The sweeper runs on the clock too; it is also run here, so the test does not wait for it.
        _clock.Advance(TimeSpan.FromMinutes(59));
        await Requests.SweepOnceAsync(CancellationToken.None);
        var early = await StatusAsync("rr-000001");
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Requests.SweepOnceAsync(CancellationToken.None);
        var timedOut = await StatusAsync("rr-000001");
        await AcceptAsync(1);
        var next = await Store.LatestSnapshotAsync(CancellationToken.None);
        await CompleteAsync("rr-000001", "bot-late", winRate: 0.4);

        Assert.That(whileOpen!.Id, Is.EqualTo("ds-000001"), "three more corrections wait while rr-000001 is open");
        Assert.That((early, timedOut), Is.EqualTo(((RetrainStatus?)RetrainStatus.Requested, (RetrainStatus?)RetrainStatus.TimedOut)));
        Assert.That(next!.Id, Is.EqualTo("ds-000002"));
        Assert.That(next.Counts.Examples, Is.EqualTo(6), "the waiting corrections went into the next request");
        var late = await Store.FindSnapshotByRequestAsync("rr-000001", CancellationToken.None);
        Assert.That(late!.History.Select(h => h.Status), Is.EqualTo(new[] { RetrainStatus.Requested, RetrainStatus.TimedOut, RetrainStatus.Rejected }));
        Assert.That(late.History[2].Note, Does.StartWith("completed after the request timed out; bot-late"));
        Assert.That(await StatusAsync("rr-000002"), Is.EqualTo(RetrainStatus.Requested));
    }

    [Test]
    public async Task Within_the_cooldown_an_automatic_trigger_waits_but_a_manual_request_does_not()
    {
        await StartAsync(cooldown: "02:00:00", maxOpen: 10);

        await AcceptAsync(2);
        await AcceptAsync(2);
        var cooling = await Store.LatestSnapshotAsync(CancellationToken.None);
        var manual = await _harness.Get<RetrainCoordinator>().RequestManuallyAsync(CancellationToken.None);
        await AcceptAsync(2);
        _clock.Advance(TimeSpan.FromHours(3));
        await AcceptAsync(1);

        Assert.That(cooling!.Id, Is.EqualTo("ds-000001"));
        Assert.That((manual.Outcome, manual.Snapshot?.Id), Is.EqualTo((SnapshotOutcome.Built, "ds-000002")));
        var latest = await Store.LatestSnapshotAsync(CancellationToken.None);
        Assert.That((latest!.Id, latest.TriggerReason), Is.EqualTo(("ds-000003", "correction_threshold")));
    }
}
