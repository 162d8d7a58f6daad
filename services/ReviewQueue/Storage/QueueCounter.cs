using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ReviewQueue.Storage;

/// <summary>
/// The queue's counts, kept as each item changes so that reading them costs one document whatever the history.
/// Each change adds its difference in one atomic increment; start-up recounts from the items, which also repairs
/// a difference a crash between an item's write and its increment would leave.
/// </summary>
public sealed record QueueCounter : IDocument
{
    public const string Key = "queue";

    public string Id { get; init; } = Key;
    public long Version { get; init; }
    public int Pending { get; init; }
    public int Claimed { get; init; }
    public int Completed { get; init; }

    /// <summary>Open items flagged by the SLA watch.</summary>
    public int Overdue { get; init; }

    /// <summary>What moving one item from <paramref name="before"/> to <paramref name="after"/> does to the counts; null when nothing.</summary>
    public static DocumentUpdate<QueueCounter>? Difference(ReviewItem? before, ReviewItem? after)
    {
        var (pending, claimed, completed, overdue) = (0, 0, 0, 0);
        foreach (var (item, sign) in new[] { (before, -1), (after, 1) })
        {
            if (item is null)
            {
                continue;
            }

            switch (item.VisibleStatus)
            {
                case ReviewStatus.Pending: pending += sign; break;
                case ReviewStatus.Claimed: claimed += sign; break;
                default: completed += sign; break;
            }

            overdue += item.IsCompleted || item.SlaBreachedAt is null ? 0 : sign;
        }

        return (pending, claimed, completed, overdue) == (0, 0, 0, 0)
            ? null
            : new DocumentUpdate<QueueCounter>()
                .Increment(c => c.Pending, pending)
                .Increment(c => c.Claimed, claimed)
                .Increment(c => c.Completed, completed)
                .Increment(c => c.Overdue, overdue);
    }
}
