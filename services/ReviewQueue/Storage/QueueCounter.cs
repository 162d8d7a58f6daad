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
                    ReviewStatus.Pending => new CountDelta(sign, 0, 0, 0),
                    ReviewStatus.Claimed => new CountDelta(0, sign, 0, 0),
                    _ => new CountDelta(0, 0, sign, 0),
                };
                delta += new CountDelta(0, 0, 0, item.IsCompleted || item.SlaBreachedAt is null ? 0 : sign);
            }
        }

        return delta;
    }
}

/// <summary>A change to the four counts.</summary>
public readonly record struct CountDelta(int Pending, int Claimed, int Completed, int Overdue)
{
    public bool IsZero => this == default;

    public static CountDelta operator +(CountDelta a, CountDelta b) =>
        new(a.Pending + b.Pending, a.Claimed + b.Claimed, a.Completed + b.Completed, a.Overdue + b.Overdue);

    public DocumentUpdate<QueueCounter> AsUpdate() => new DocumentUpdate<QueueCounter>()
        .Increment(c => c.Pending, Pending)
        .Increment(c => c.Claimed, Claimed)
        .Increment(c => c.Completed, Completed)
        .Increment(c => c.Overdue, Overdue);
}
