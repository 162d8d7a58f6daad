using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Tests.Storage;

public enum ContractStatus
{
    Open,
    Closed,
}

/// <summary>A document shaped like the services' own: nested contracts, read-only collections, enums, times, an outbox.</summary>
public sealed record ContractDocument : IHasOutbox<ContractDocument>
{
    public required string Id { get; init; }
    public long Version { get; init; }
    public string Name { get; init; } = "";
    public ContractStatus Status { get; init; }
    public int Count { get; init; }
    public decimal Amount { get; init; }
    public DateTime At { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyDictionary<string, double> Scores { get; init; } = new Dictionary<string, double>();
    public ResponseScored? Response { get; init; }
    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public ContractDocument WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };
}
