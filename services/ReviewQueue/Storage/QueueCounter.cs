using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ReviewQueue.Storage;

/// <summary>
/// The queue's counts, kept as items change so that reading them costs one document whatever the history. Each
/// replica adds up its changes in memory and adds them to this document in one atomic increment about once a
/// second (its own reads include what it has not added yet); start-up recounts from the items, which also repairs
/// the changes of the last second a crash would lose.
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

    /// <summary>Open items (pending or claimed) of each priority: the queue's depth as leads watch it.</summary>
    public int OpenUrgent { get; init; }
    public int OpenHigh { get; init; }
    public int OpenMedium { get; init; }
    public int OpenLow { get; init; }

    /// <summary>What moving one item from <paramref name="before"/> to <paramref name="after"/> does to the counts.</summary>
    public static CountDelta Difference(ReviewItem? before, ReviewItem? after)
    {
        var delta = default(CountDelta);
        foreach (var (item, sign) in new[] { (before, -1), (after, 1) })
        {
            if (item is not null)
            {
                delta += item.VisibleStatus switch
                {
                    ReviewStatus.Pending => new CountDelta { Pending = sign },
                    ReviewStatus.Claimed => new CountDelta { Claimed = sign },
                    _ => new CountDelta { Completed = sign },
                };
                if (!item.IsCompleted)
                {
                    delta += new CountDelta { Overdue = item.SlaBreachedAt is null ? 0 : sign } + CountDelta.Open(item.Priority, sign);
                }
            }
        }

        return delta;
    }
}

/// <summary>A change to the counts.</summary>
public readonly record struct CountDelta
{
    public int Pending { get; init; }
    public int Claimed { get; init; }
    public int Completed { get; init; }
    public int Overdue { get; init; }
    public int OpenUrgent { get; init; }
    public int OpenHigh { get; init; }
    public int OpenMedium { get; init; }
    public int OpenLow { get; init; }

    public bool IsZero => this == default;

    /// <summary>One open item of <paramref name="priority"/> more (or, with sign -1, fewer).</summary>
    public static CountDelta Open(HitlLoop.Contracts.ReviewPriority priority, int sign) => priority switch
    {
        HitlLoop.Contracts.ReviewPriority.Urgent => new CountDelta { OpenUrgent = sign },
        HitlLoop.Contracts.ReviewPriority.High => new CountDelta { OpenHigh = sign },
        HitlLoop.Contracts.ReviewPriority.Medium => new CountDelta { OpenMedium = sign },
        _ => new CountDelta { OpenLow = sign },
    };

    public static CountDelta operator +(CountDelta a, CountDelta b) => new()
    {
        Pending = a.Pending + b.Pending,
        Claimed = a.Claimed + b.Claimed,
        Completed = a.Completed + b.Completed,
        Overdue = a.Overdue + b.Overdue,
        OpenUrgent = a.OpenUrgent + b.OpenUrgent,
        OpenHigh = a.OpenHigh + b.OpenHigh,
        OpenMedium = a.OpenMedium + b.OpenMedium,
        OpenLow = a.OpenLow + b.OpenLow,
    };

    public DocumentUpdate<QueueCounter> AsUpdate() => new DocumentUpdate<QueueCounter>()
        .Increment(c => c.Pending, Pending)
        .Increment(c => c.Claimed, Claimed)
        .Increment(c => c.Completed, Completed)
        .Increment(c => c.Overdue, Overdue)
        .Increment(c => c.OpenUrgent, OpenUrgent)
        .Increment(c => c.OpenHigh, OpenHigh)
        .Increment(c => c.OpenMedium, OpenMedium)
        .Increment(c => c.OpenLow, OpenLow);
}
