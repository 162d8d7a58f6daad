using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ServiceDefaults.Messaging.Journal;

/// <summary>
/// A message published on the in-memory bus, kept until every endpoint in this process that consumes it has finished
/// with it (consumed it, or sent it to its error queue). Whatever is left at start-up is delivered again.
/// </summary>
public sealed record JournalEntry : IDocument
{
    /// <summary>The entry's key, carried in the message's journal header.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }

    /// <summary>The contract type's full name.</summary>
    public required string MessageType { get; init; }

    /// <summary>The message as JSON (<see cref="MessageJson"/>).</summary>
    public required string Body { get; init; }

    /// <summary>The receive endpoints (queue names) the message goes to.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Those of <see cref="Endpoints"/> that have finished with it.</summary>
    public IReadOnlyList<string> Finished { get; init; } = [];

    public DateTime PublishedAt { get; init; }

    /// <summary>Increasing in publish order within a process (start-up's clock ticks, then one more each): the replay's cursor.</summary>
    public long Order { get; init; }

    public IEnumerable<string> Unfinished => Endpoints.Except(Finished, StringComparer.Ordinal);
}
