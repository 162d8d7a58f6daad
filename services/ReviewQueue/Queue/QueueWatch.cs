using HitlLoop.ReviewQueue.Storage;

namespace HitlLoop.ReviewQueue.Queue;

/// <summary>
/// Returns leases that ran out to the queue and flags items whose due-by passed. Both lookups are indexed on a
/// time that is DateTime.MaxValue when there is nothing to watch, so a pass costs what is due, not the history.
/// </summary>
public sealed class QueueWatch(IReviewItemStore items, TimeProvider clock, ILogger<QueueWatch> logger) : BackgroundService
{
    private const int Batch = 200;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>One pass; returns how many items it changed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await items.FlushCountsAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = 0;
        foreach (var item in await items.LeasesRunOutAsync(now, Batch, cancellationToken))
        {
            changed += (await items.ChangeAsync(item.Id, i => i.ExpireLeases(now), cancellationToken))?.Changed == true ? 1 : 0;
        }

        foreach (var item in await items.BreachesDueAsync(now, Batch, cancellationToken))
        {
            if ((await items.ChangeAsync(item.Id, i => i.FlagBreach(now), cancellationToken))?.Changed == true)
            {
                changed++;
                logger.LogWarning("Review of {ResponseId} ({Priority}) breached its SLA: due {DueBy:O}", item.Id, item.Priority, item.DueBy);
            }
        }

        return changed;
    }

    // A host can be stopped twice at once (a test host and its entry point's Run both stop it, and the entry point
    // then disposes it). Both callers wait for the one final flush, so the store is never closed under it.
    private readonly Lock _stopLock = new();
    private Task? _stopped;

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            return _stopped ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await items.FlushCountsAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Queue watch pass failed; retrying in {Interval}", Interval);
            }
        }
    }
}
