using System.Text.Json;
using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.ServiceDefaults.Outbox;

public static class Outbox
{
    /// <summary>Wraps a contract event for storage in a document's outbox.</summary>
    public static OutboxMessage Message<TEvent>(TEvent message, TimeProvider clock)
        where TEvent : class => new()
    {
        Id = NewId.NextGuid().ToString(),
        MessageType = typeof(TEvent).FullName!,
        Body = JsonSerializer.Serialize(message, MessageJson.Options),
        CreatedAt = clock.GetUtcNow().UtcDateTime,
    };

    internal static (object Message, Type Type) Open(OutboxMessage stored)
    {
        var type = typeof(ResponseScored).Assembly.GetType(stored.MessageType)
            ?? throw new InvalidOperationException($"Outbox message {stored.Id} names unknown contract {stored.MessageType}.");
        var message = JsonSerializer.Deserialize(stored.Body, type, MessageJson.Options)
            ?? throw new InvalidOperationException($"Outbox message {stored.Id} has an empty body.");
        return (message, type);
    }
}
