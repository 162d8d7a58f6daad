using System.Collections.Concurrent;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>A stored signal the Router learns from another service's events; <see cref="UpdatedAt"/> orders the refresh.</summary>
public interface ISignal : IDocument
{
    DateTime UpdatedAt { get; }
}

/// <summary>
/// Signals held in memory for the routing decision and stored for the other replicas and the next start. A replica
/// reads what others stored every <see cref="SignalRefresh.Interval"/>, in order of change, so a refresh costs what
/// changed, not how many signals there are.
/// </summary>
public abstract class SignalBoard<T>(IDocumentStoreFactory stores, string collection) : IStoreSetup, IRefreshedSignals
    where T : class, ISignal
{
    private const int RefreshPage = 500;

    /// <summary>Each refresh reads this far back again, so a replica whose clock runs a little behind is not missed.</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, T> _known = new(StringComparer.Ordinal);
    private DateTime _seenUpTo = DateTime.MinValue;

    protected IDocumentCollection<T> Documents { get; } = stores.ForService(RouterService.ServiceName).GetCollection<T>(collection);

    public virtual async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await Documents.EnsureIndexAsync(d => d.UpdatedAt, cancellationToken: cancellationToken);
        await RefreshAsync(cancellationToken);
    }

    public virtual async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var from = _seenUpTo == DateTime.MinValue ? DateTime.MinValue : _seenUpTo - ClockSlack;
        while (true)
        {
            var since = from;
            var changed = await Documents.FindAsync(d => d.UpdatedAt >= since, d => d.UpdatedAt, limit: RefreshPage, cancellationToken: cancellationToken);
            foreach (var signal in changed)
            {
                Keep(signal);
            }

            if (changed.Count > 0 && changed[^1].UpdatedAt > _seenUpTo)
            {
                _seenUpTo = changed[^1].UpdatedAt;
            }

            // A short page is the end; a full one continues from its last time (inclusive, so ties are not skipped),
            // unless the whole page shares one time and paging by time can go no further.
            if (changed.Count < RefreshPage || changed[^1].UpdatedAt == since)
            {
                return;
            }

            from = changed[^1].UpdatedAt;
        }
    }

    protected T? Find(string id) => _known.TryGetValue(id, out var signal) ? signal : null;

    /// <summary>Holds the newer of what is held and <paramref name="signal"/>; returns true when that changed what is held.</summary>
    protected bool Keep(T signal)
    {
        var held = _known.AddOrUpdate(signal.Id, signal, (_, current) => current.Version >= signal.Version ? current : signal);
        if (ReferenceEquals(held, signal))
        {
            Changed(signal);
            return true;
        }

        return false;
    }

    /// <summary>Called when a newer signal replaces what was held, for boards that keep a view of their own.</summary>
    protected virtual void Changed(T signal)
    {
    }
}

public interface IRefreshedSignals
{
    Task RefreshAsync(CancellationToken cancellationToken);
}

/// <summary>Keeps this replica's signals in step with what the other replicas store.</summary>
internal sealed class SignalRefresh(IEnumerable<IRefreshedSignals> boards, TimeProvider clock, ILogger<SignalRefresh> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var board in boards)
            {
                try
                {
                    await board.RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not read {Board}; the next refresh tries again", board.GetType().Name);
                }
            }
        }
    }
}
