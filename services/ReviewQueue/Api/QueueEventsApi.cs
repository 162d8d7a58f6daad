using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults.Security;

namespace HitlLoop.ReviewQueue.Api;

/// <summary>
/// The live queue as server-sent events: every change this replica makes (queued, claimed, released, skipped,
/// reviewed, completed, breached) as it happens, and the counts at the start and every few seconds, which also
/// carry what other replicas changed. Pages and leads listen instead of polling the list.
/// </summary>
internal static class QueueEventsApi
{
    public static readonly TimeSpan CountsEvery = TimeSpan.FromSeconds(5);

    public static void MapQueueEvents(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/queue/events", (QueueChanges changes, IReviewItemStore items, CancellationToken cancellationToken) =>
                TypedResults.ServerSentEvents(Stream(changes, items, cancellationToken)))
            .RequireAuthorization(HitlPolicies.Review)
            .WithTags("Reviews");

    private static async IAsyncEnumerable<SseItem<object>> Stream(
        QueueChanges changes, IReviewItemStore items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = changes.Subscribe();
        var counts = await CountsAsync(items, cancellationToken);
        yield return counts;
        while (!cancellationToken.IsCancellationRequested)
        {
            var change = await NextAsync(subscription, cancellationToken);
            var next = change is null
                ? await CountsAsync(items, cancellationToken)
                : new SseItem<object>(change, EventName(change.Kind));
            yield return next;
        }
    }

    /// <summary>The next change, or null when none came within <see cref="CountsEvery"/> (or the client left).</summary>
    private static async Task<QueueChange?> NextAsync(QueueChanges.Subscription subscription, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(CountsEvery);
        try
        {
            return await subscription.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<SseItem<object>> CountsAsync(IReviewItemStore items, CancellationToken cancellationToken)
    {
        var counts = await items.CountAsync(cancellationToken);
        return new SseItem<object>(new QueueStats(counts.Pending, counts.Claimed, counts.Completed, counts.Overdue, counts.Open), "counts");
    }

    private static string EventName(QueueChangeKind kind) => kind.ToString().ToLowerInvariant();
}
