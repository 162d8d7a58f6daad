using System.Collections.Concurrent;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>
/// The reaction windows of every kind of response, held in memory for the routing decision and stored for the
/// other replicas and the next start. A replica reads what others stored every <see cref="RefreshInterval"/>, in
/// order of change, so the cost of a refresh follows what changed, not how many kinds there are.
/// </summary>
public sealed class UserReactionBoard(IDocumentStoreFactory stores) : IStoreSetup
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);

    private const int RefreshPage = 500;

    private readonly IDocumentCollection<UserReactionWindow> _windows =
        stores.ForService(RouterService.ServiceName).GetCollection<UserReactionWindow>("user-reactions");

    private readonly ConcurrentDictionary<string, UserReactionWindow> _known = new(StringComparer.Ordinal);
    private DateTime _seenUpTo = DateTime.MinValue;

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _windows.EnsureIndexAsync(w => w.UpdatedAt, cancellationToken: cancellationToken);
        await RefreshAsync(cancellationToken);
    }

    /// <summary>The window for the response's category, else for its product; null before any reaction.</summary>
    public UserReactionWindow? For(string productId, string? category) =>
        _known.TryGetValue(UserReactionWindow.KeyOf(productId, category), out var window) ? window : null;

    /// <summary>Adds a reaction once per feedback id; returns the window as stored.</summary>
    public async Task<UserReactionWindow> RecordAsync(
        string productId, string? category, string feedbackId, bool negative, DateTime at, CancellationToken cancellationToken)
    {
        var stored = await _windows.UpsertAsync(UserReactionWindow.Empty(productId, category), w => w.With(feedbackId, negative, at), cancellationToken);
        Keep(stored);
        return stored;
    }

    /// <summary>Reads the windows other replicas changed since the last refresh.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var since = _seenUpTo;
            var changed = await _windows.FindAsync(w => w.UpdatedAt >= since, w => w.UpdatedAt, limit: RefreshPage, cancellationToken: cancellationToken);
            foreach (var window in changed)
            {
                Keep(window);
            }

            if (changed.Count == 0 || changed[^1].UpdatedAt == since)
            {
                return;
            }

            // From the last time seen again (inclusive), so windows sharing that time are not skipped.
            _seenUpTo = changed[^1].UpdatedAt;
            if (changed.Count < RefreshPage)
            {
                return;
            }
        }
    }

    private void Keep(UserReactionWindow window) =>
        _known.AddOrUpdate(window.Id, window, (_, held) => held.Version >= window.Version ? held : window);
}

/// <summary>Keeps this replica's reaction windows in step with what the other replicas store.</summary>
internal sealed class UserReactionRefresh(UserReactionBoard board, TimeProvider clock, ILogger<UserReactionRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(UserReactionBoard.RefreshInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await board.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not read end-user reaction windows; the next refresh tries again");
            }
        }
    }
}
