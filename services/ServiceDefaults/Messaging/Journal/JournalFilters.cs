using MassTransit;

namespace HitlLoop.ServiceDefaults.Messaging.Journal;

/// <summary>
/// Writes a published message into the journal before the in-memory bus takes it, when this process consumes it:
/// a publish that returns is durable, as a broker's would be.
/// </summary>
/// <remarks>One instance per message type, not resolved per scope: a consumer's publishes go out after its scope ends.</remarks>
public sealed class JournalPublishFilter<T>(MessageJournal journal, JournalRoutes routes) : IFilter<PublishContext<T>>
    where T : class
{
    public async Task Send(PublishContext<T> context, IPipe<PublishContext<T>> next)
    {
        if (routes.EndpointsFor(typeof(T)) is { Count: > 0 } endpoints)
        {
            // The entry's key travels in a header of its own: the publisher's callback may still set the message id.
            var key = NewId.NextGuid().ToString();
            await journal.RecordAsync(key, context.Message, typeof(T), endpoints, context.CancellationToken);
            context.Headers.Set(MessageJournal.Header, key);
        }

        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("messageJournal");
}

/// <summary>
/// Tells the journal when this endpoint has finished with a journaled message: consumed it, or given up on it (it goes
/// to the error queue). A consumer stopped by shutdown has not finished: the message is delivered again at start-up.
/// </summary>
public sealed class JournalConsumeFilter(MessageJournal journal) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        if (context.Headers.Get<string>(MessageJournal.Header) is not { Length: > 0 } key)
        {
            await next.Send(context);
            return;
        }

        try
        {
            await next.Send(context);
        }
        catch (Exception) when (!context.CancellationToken.IsCancellationRequested)
        {
            await FinishedAsync(context, key);
            throw;
        }

        await FinishedAsync(context, key);
    }

    private Task FinishedAsync(ConsumeContext context, string key) =>
        journal.FinishedAsync(key, EndpointOf(context.ReceiveContext.InputAddress), CancellationToken.None);

    /// <summary>The queue name: the input address's last path segment.</summary>
    internal static string EndpointOf(Uri inputAddress) => inputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1];

    public void Probe(ProbeContext context) => context.CreateFilterScope("messageJournal");
}
