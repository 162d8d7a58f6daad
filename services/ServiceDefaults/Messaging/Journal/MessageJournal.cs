using System.Text.Json;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.ServiceDefaults.Messaging.Journal;

/// <summary>The journal's store: one entry per message in flight, in a store of its own ("bus-journal").</summary>
public sealed class MessageJournal(IDocumentStoreFactory stores, TimeProvider clock) : IStoreSetup
{
    public const string StoreName = "bus-journal";

    /// <summary>Carries a journaled message's entry key, so a consumer knows to report back, and where.</summary>
    public const string Header = "Hitl-Journaled";

    private const int ReplayPage = 500;

    private readonly IDocumentCollection<JournalEntry> _entries = stores.ForService(StoreName).GetCollection<JournalEntry>("entries");
    private long _order = clock.GetUtcNow().UtcTicks;

    public Task SetUpAsync(CancellationToken cancellationToken) => _entries.EnsureIndexAsync(e => e.Order, cancellationToken: cancellationToken);

    /// <summary>Keeps the message under <paramref name="key"/> until <paramref name="endpoints"/> have finished with it. Durable when this returns.</summary>
    public Task RecordAsync(string key, object message, Type messageType, IReadOnlyList<string> endpoints, CancellationToken cancellationToken) =>
        _entries.InsertOnceAsync(
            new JournalEntry
            {
                Id = key,
                MessageType = messageType.FullName!,
                Body = JsonSerializer.Serialize(message, messageType, MessageJson.Options),
                Endpoints = endpoints,
                PublishedAt = clock.GetUtcNow().UtcDateTime,
                Order = Interlocked.Increment(ref _order),
            },
            cancellationToken);

    /// <summary>Notes that <paramref name="endpoint"/> has finished with the message; the last one removes the entry.</summary>
    public async Task FinishedAsync(string key, string endpoint, CancellationToken cancellationToken)
    {
        var entry = await _entries.FindOneAndUpdateAsync(
            e => e.Id == key,
            e => e.Id,
            new DocumentUpdate<JournalEntry>().Append(e => e.Finished, endpoint),
            cancellationToken: cancellationToken);
        if (entry is not null && !entry.Unfinished.Any())
        {
            await _entries.TryDeleteAsync(key, cancellationToken);
        }
    }

    /// <summary>Every entry still waiting for an endpoint, page by page in publish order.</summary>
    public async IAsyncEnumerable<JournalEntry> UnfinishedAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = long.MinValue;
        while (true)
        {
            var from = after;
            var page = await _entries.FindAsync(e => e.Order > from, e => e.Order, limit: ReplayPage, cancellationToken: cancellationToken);
            foreach (var entry in page)
            {
                yield return entry;
            }

            if (page.Count < ReplayPage)
            {
                yield break;
            }

            after = page[^1].Order;
        }
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) => _entries.CountAsync(e => true, cancellationToken);
}
