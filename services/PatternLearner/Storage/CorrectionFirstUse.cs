using HitlLoop.ServiceDefaults.Outbox;

namespace HitlLoop.PatternLearner.Storage;

/// <summary>
/// The first time guidance returned a correction, with the <c>CorrectionFirstServed</c> event it owes: written once
/// per correction, so the event goes out once however many replicas serve it at the same moment.
/// </summary>
public sealed record CorrectionFirstUse : IHasOutbox<CorrectionFirstUse>
{
    /// <summary>The correction's (golden example's) id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public DateTime AcceptedAt { get; init; }
    public DateTime ServedAt { get; init; }

    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public CorrectionFirstUse WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };
}
