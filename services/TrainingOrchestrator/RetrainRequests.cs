using System.Diagnostics.Metrics;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.TrainingOrchestrator;

/// <summary>
/// Moves retrain requests through their lifecycle (the ML team's acknowledgement and start of training, the gate's
/// decision) and times out those the ML team left open past their deadline: every minute, and at start-up. Each move
/// counts on the OpenTelemetry counter <c>hitl.retrain.transitions</c> (tag <c>status</c>); <c>hitl.retrain.open</c>
/// gauges the open requests.
/// </summary>
public sealed class RetrainRequests : BackgroundService
{
    public const string MeterName = "HitlLoop.TrainingOrchestrator";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly IDatasetStore _datasets;
    private readonly TimeProvider _clock;
    private readonly ILogger<RetrainRequests> _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _transitions;
    private long _open;

    public RetrainRequests(IDatasetStore datasets, TimeProvider clock, ILogger<RetrainRequests> logger)
    {
        _datasets = datasets;
        _clock = clock;
        _logger = logger;
        _transitions = _meter.CreateCounter<long>("hitl.retrain.transitions", description: "Retrain requests entering each status");
        _meter.CreateObservableGauge("hitl.retrain.open", () => Interlocked.Read(ref _open), description: "Retrain requests waiting for the ML team");
    }

    /// <summary>This instance's instruments (a listener tells them from another host's in the same process by it).</summary>
    public Meter Meter => _meter;

    /// <summary>Moves the request of <paramref name="requestId"/> to <paramref name="to"/>; the snapshot as it stands after.</summary>
    public async Task<(DatasetSnapshot? Snapshot, MoveOutcome Outcome)> MoveAsync(string requestId, RetrainStatus to, string? note, CancellationToken cancellationToken)
    {
        if (await _datasets.FindSnapshotByRequestAsync(requestId, cancellationToken) is not { } snapshot)
        {
            return (null, MoveOutcome.NotFound);
        }

        return await MoveAsync(snapshot, to, note, cancellationToken);
    }

    /// <summary>Times out every open request past its deadline; returns how many.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var timedOut = 0;
        foreach (var overdue in await _datasets.OverdueAsync(now, limit: 100, cancellationToken))
        {
            var (_, outcome) = await MoveAsync(overdue, RetrainStatus.TimedOut, $"no model reported by {overdue.Deadline:u}", cancellationToken);
            if (outcome == MoveOutcome.Moved)
            {
                timedOut++;
                _logger.LogWarning("Retrain request {RequestId} timed out: no model by {Deadline}", overdue.RequestId, overdue.Deadline);
            }
        }

        Interlocked.Exchange(ref _open, await _datasets.CountOpenAsync(cancellationToken));
        return timedOut;
    }

    /// <summary>Counts a new request (the coordinator commits it as requested).</summary>
    public void Requested()
    {
        _transitions.Add(1, new KeyValuePair<string, object?>("status", RetrainStatus.Requested.ToString()));
        Interlocked.Increment(ref _open);
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, _clock);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Could not look for timed-out retrain requests; the next round tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<(DatasetSnapshot? Snapshot, MoveOutcome Outcome)> MoveAsync(DatasetSnapshot snapshot, RetrainStatus to, string? note, CancellationToken cancellationToken)
    {
        var outcome = MoveOutcome.NotFound;
        var wasOpen = false;
        var now = _clock.GetUtcNow().UtcDateTime;
        var standing = await _datasets.ChangeSnapshotAsync(
            snapshot.Id,
            current =>
            {
                var (moved, result) = RetrainLifecycle.Move(current, to, now, note);
                (outcome, wasOpen) = (result, current.Open);
                return moved;
            },
            cancellationToken);
        if (outcome == MoveOutcome.Moved)
        {
            _transitions.Add(1, new KeyValuePair<string, object?>("status", to.ToString()));
            if (wasOpen && !RetrainLifecycle.IsOpen(to))
            {
                Interlocked.Decrement(ref _open);
            }
        }

        return (standing, outcome);
    }
}
