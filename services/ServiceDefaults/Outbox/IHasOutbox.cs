using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ServiceDefaults.Outbox;

/// <summary>
/// A document that carries the events its last change produced. Writing the change and its events in one
/// document write is what makes the publish survive a crash: whatever is still here gets published later.
/// </summary>
public interface IHasOutbox<out TSelf> : IDocument
    where TSelf : IHasOutbox<TSelf>
{
    IReadOnlyList<OutboxMessage> Outbox { get; }

    /// <summary>Stored flag so pending documents can be found by an indexed query.</summary>
    bool OutboxPending { get; }

    /// <summary>This document with its outbox emptied and its version advanced.</summary>
    TSelf WithOutboxDelivered();
}
