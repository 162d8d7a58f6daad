using HitlLoop.ServiceDefaults.Outbox;

namespace HitlLoop.Feedback.Storage;

/// <summary>
/// Whether a metric of a product (or of all products) stands breached, with the <c>AlertRaised</c> its last crossing
/// owes. Only a crossing changes it, so an alert goes out once per breach and once per recovery.
/// </summary>
public sealed record AlertStatus : IHasOutbox<AlertStatus>
{
    /// <summary><see cref="IdOf"/>.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string Metric { get; init; }
    public string? ProductId { get; init; }
    public bool Breached { get; init; }
    public double Value { get; init; }
    public long Samples { get; init; }
    public DateTime ChangedAt { get; init; }

    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public AlertStatus WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };

    public static string IdOf(string metric, string? productId) => metric + "\n" + (productId ?? "");
}
