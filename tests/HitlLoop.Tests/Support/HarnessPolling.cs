using MassTransit.Testing;

namespace HitlLoop.Tests.Support;

/// <summary>
/// Reads what the harness saw so far, without the harness's own waiting: that stops for good once the bus was
/// idle for a moment, which a test that publishes in several rounds cannot rely on.
/// </summary>
public static class HarnessPolling
{
    private static readonly CancellationToken NoWait = new(canceled: true);

    public static List<T> SoFar<T>(this IPublishedMessageList published)
        where T : class =>
        [.. published.Select<T>(NoWait).Select(m => m.Context.Message)];

    public static List<T> SoFar<T>(this IReceivedMessageList consumed)
        where T : class =>
        [.. consumed.Select<T>(NoWait).Select(m => m.Context.Message)];

    /// <summary>Reads until <paramref name="done"/> holds or ten seconds pass; returns the last read.</summary>
    public static async Task<List<T>> EventuallyAsync<T>(Func<List<T>> read, Func<List<T>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var items = read();
        while (!done(items) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            items = read();
        }

        return items;
    }
}
