using HitlLoop.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace HitlLoop.ServiceDefaults.Outbox;

/// <summary>Publishes what a document's outbox holds, then empties it. Safe to run twice: consumers dedupe.</summary>
public sealed class OutboxDispatcher(IBus bus, ILogger<OutboxDispatcher> logger)
{
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
