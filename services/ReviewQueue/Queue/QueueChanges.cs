using System.Collections.Concurrent;
using System.Threading.Channels;

namespace HitlLoop.ReviewQueue.Queue;

public enum QueueChangeKind
{
    Queued,
    Claimed,
    Released,
    Skipped,
    Reviewed,
    Completed,
    Breached,
}

/// <summary>One change of the queue as the live stream tells it: what happened to which item. No answers travel here.</summary>
public sealed record QueueChange(QueueChangeKind Kind, string ItemId, string ProductId, HitlLoop.Contracts.ReviewPriority Priority, DateTime At);

/// <summary>
/// Hands every change this process makes to the queue to whoever listens (the live stream). A slow listener loses
/// its oldest changes rather than holding anyone up; the stream's periodic counts cover what it missed.
/// </summary>
public sealed class QueueChanges
{
    private const int Backlog = 256;
    private readonly ConcurrentDictionary<Guid, Channel<QueueChange>> _listeners = new();

    public int ListenerCount => _listeners.Count;

    public Subscription Subscribe()
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<QueueChange>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _listeners[id] = channel;
        return new Subscription(channel.Reader, () => _listeners.TryRemove(id, out _));
    }

    /// <summary>Tells listeners what moving an item from <paramref name="before"/> to <paramref name="after"/> was.</summary>
    public void Announce(ReviewItem? before, ReviewItem after, DateTime at)
    {
        if (_listeners.IsEmpty || KindOf(before, after) is not { } kind)
        {
            return;
        }

        var change = new QueueChange(kind, after.Id, after.ProductId, after.Priority, at);
        foreach (var listener in _listeners.Values)
        {
            listener.Writer.TryWrite(change);
        }
    }

    public static QueueChangeKind? KindOf(ReviewItem? before, ReviewItem after) =>
        before is null ? QueueChangeKind.Queued
        : after.IsCompleted && !before.IsCompleted ? QueueChangeKind.Completed
        : after.Reviews.Count > before.Reviews.Count ? QueueChangeKind.Reviewed
        : after.SlaBreachedAt is not null && before.SlaBreachedAt is null ? QueueChangeKind.Breached
        : after.Skips.Count > before.Skips.Count ? QueueChangeKind.Skipped
        : after.Claims.Count > before.Claims.Count ? QueueChangeKind.Claimed
        : after.Claims.Count < before.Claims.Count ? QueueChangeKind.Released
        : null;

    public sealed class Subscription(ChannelReader<QueueChange> reader, Action unsubscribe) : IDisposable
    {
        public ChannelReader<QueueChange> Reader { get; } = reader;

        public void Dispose() => unsubscribe();
    }
}
