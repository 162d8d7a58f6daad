namespace HitlLoop.ServiceDefaults.Outbox;

/// <summary>An event waiting to be published, stored inside the document whose change produced it.</summary>
public sealed record OutboxMessage
{
    /// <summary>Also the published MessageId, so a consumer can tell a re-publish from a new event.</summary>
    public required string Id { get; init; }

    /// <summary>Full name of the contract type, e.g. "HitlLoop.Contracts.ReviewCompleted".</summary>
    public required string MessageType { get; init; }

    public required string Body { get; init; }
    public DateTime CreatedAt { get; init; }
}
