using HitlLoop.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace HitlLoop.ServiceDefaults.Outbox;

/// <summary>Publishes what a document's outbox holds, then empties it. Safe to run twice: consumers dedupe.</summary>
public sealed class OutboxDispatcher(IBus bus, ILogger<OutboxDispatcher> logger)
{
    /// <summary>How long a request waits for the broker before leaving its events to the sweeper.</summary>
    public static readonly TimeSpan ImmediatePatience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publishes right away if the broker allows within <see cref="ImmediatePatience"/>; otherwise leaves the events
    /// in the document for the sweeper. The change itself is already stored, so the caller succeeded either way.
    /// </summary>
    public async Task<bool> TryDispatchAsync<T>(IDocumentCollection<T> collection, T document, CancellationToken cancellationToken = default)
        where T : class, IHasOutbox<T>
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(ImmediatePatience);
        try
        {
            await DispatchAsync(collection, document, patience.Token);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Events of {Document} are stored but not published yet; the outbox sweeper will retry", document.Id);
            return false;
        }
    }

    public async Task DispatchAsync<T>(IDocumentCollection<T> collection, T document, CancellationToken cancellationToken = default)
        where T : class, IHasOutbox<T>
    {
        if (document.Outbox.Count == 0)
        {
            return;
        }

        foreach (var stored in document.Outbox)
        {
            var (message, type) = Outbox.Open(stored);
            await bus.Publish(message, type, context => context.MessageId = Guid.Parse(stored.Id), cancellationToken);
        }

        // Losing this race means another dispatcher (or a later change) already moved the document on;
        // the events went out either way, and downstream consumers are idempotent.
        if (!await collection.TryReplaceAsync(document.WithOutboxDelivered(), document.Version, cancellationToken))
        {
            logger.LogDebug("Outbox of {Document} was already moved on by another writer", document.Id);
        }
    }
}
