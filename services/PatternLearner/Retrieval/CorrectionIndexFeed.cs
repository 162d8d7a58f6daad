using HitlLoop.PatternLearner.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.PatternLearner.Retrieval;

/// <summary>
/// Keeps this replica's search index in step with the store. A correction this replica records is indexed at once
/// (<see cref="Indexed"/>); those that other replicas record, or that were recorded while this one was down, are read
/// from the store in order of recording, from the time the index's last commit reached. Each read goes back
/// <see cref="ClockSlack"/> further, so a correction stored a little late (or by a replica whose clock runs behind) is
/// not missed; those it indexed lately are not indexed again.
/// </summary>
public sealed class CorrectionIndexFeed(
    CorrectionSearch search,
    ICorrectionStore corrections,
    IOptions<PatternLearnerOptions> options,
    TimeProvider clock,
    ILogger<CorrectionIndexFeed> logger) : BackgroundService
{
    public static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(10);

    private const int Page = 500;

    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // What was indexed within the slack of the last read, with when it was recorded: read again, it is skipped.
    private readonly Dictionary<string, DateTime> _lately = new(StringComparer.Ordinal);

    /// <summary>Completes once the index holds every correction the store held when this replica started.</summary>
    public Task CaughtUp => _caughtUp.Task;

    /// <summary>Makes a correction just recorded here searchable; it is committed with the next read of the store.</summary>
    public void Indexed(CorrectionRecord correction)
    {
        search.Add([correction]);
        lock (_lately)
        {
            _lately[correction.Id] = correction.RecordedAt;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Index.ReadEvery, clock);
        do
        {
            try
            {
                await ReadOnAsync(stoppingToken);
                _caughtUp.TrySetResult();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not read new corrections into the search index; the next read tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Indexes what the store recorded since the index's last commit, and commits.</summary>
    public async Task ReadOnAsync(CancellationToken cancellationToken)
    {
        var from = search.ReadUpTo == DateTime.MinValue ? DateTime.MinValue : search.ReadUpTo - ClockSlack;
        var readUpTo = search.ReadUpTo;
        var page = Page;
        var read = 0;
        while (true)
        {
            var recorded = await corrections.RecordedSinceAsync(from, page, cancellationToken);
            var fresh = Unindexed(recorded);
            search.Add(fresh);
            read += fresh.Count;
            if (recorded.Count > 0 && recorded[^1].RecordedAt > readUpTo)
            {
                readUpTo = recorded[^1].RecordedAt;
            }

            if (recorded.Count < page)
            {
                break;
            }

            // A full page goes on from its last time, inclusive so that ties are not skipped; a page that is all one
            // time could go no further that way, so it is read again, larger.
            if (recorded[^1].RecordedAt == from)
            {
                page *= 2;
            }
            else
            {
                from = recorded[^1].RecordedAt;
                page = Page;
            }
        }

        search.Commit(readUpTo);
        Forget(before: readUpTo == DateTime.MinValue ? DateTime.MinValue : readUpTo - ClockSlack);
        if (read > 0)
        {
            logger.LogDebug("Read {Count} corrections into the search index, up to {ReadUpTo:O}", read, readUpTo);
        }
    }

    private List<CorrectionRecord> Unindexed(IReadOnlyList<CorrectionRecord> recorded)
    {
        lock (_lately)
        {
            var fresh = recorded.Where(c => !_lately.ContainsKey(c.Id)).ToList();
            foreach (var correction in fresh)
            {
                _lately[correction.Id] = correction.RecordedAt;
            }

            return fresh;
        }
    }

    private void Forget(DateTime before)
    {
        lock (_lately)
        {
            foreach (var (id, _) in _lately.Where(e => e.Value < before).ToList())
            {
                _lately.Remove(id);
            }
        }
    }
}
