using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Tests.Storage;

/// <summary>Readers and the writer of one embedded file at once, in the moments LiteDB leaves to its callers.</summary>
public sealed class EmbeddedConcurrencyTests
{
    [Test]
    public async Task Reading_a_collection_while_its_first_write_commits_never_breaks_the_store()
    {
        // LiteDB names a new collection in its shared header a moment before readers can see the collection's pages;
        // a read in that moment fails, and the engine closes itself. Handing out a collection only once it exists
        // leaves no such moment.
        var serviceName = "creation-" + Guid.NewGuid().ToString("N")[..12];
        var store = StoreBackends.Open("embedded", nameof(Reading_a_collection_while_its_first_write_commits_never_breaks_the_store), serviceName, out var services);
        try
        {
            for (var round = 0; round < 200; round++)
            {
                var name = $"fresh-{round}";
                using var stop = new CancellationTokenSource();
                var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
                {
                    var reader = store.GetCollection<ContractDocument>(name);
                    while (!stop.IsCancellationRequested && await reader.FindByIdAsync("first") is null)
                    {
                    }
                })).ToArray();
                var writer = store.GetCollection<ContractDocument>(name);
                Assert.That(await writer.TryInsertAsync(new ContractDocument { Id = "first", Name = "written" }), Is.True);
                stop.CancelAfter(TimeSpan.FromSeconds(10));
                await Task.WhenAll(readers);
            }

            Assert.That(await store.GetCollection<ContractDocument>("fresh-199").FindByIdAsync("first"), Is.Not.Null);
        }
        finally
        {
            (services as IDisposable)?.Dispose();
        }
    }

    [Test]
    public async Task Concurrent_first_reads_in_a_fresh_process_read_records_without_a_parameterless_constructor()
    {
        // LiteDB maps a type on first use and publishes the mapping before filling it in; a read racing that first use
        // once left a positional record unreadable for the rest of the process. Each round opens the file afresh.
        var serviceName = "first-read-" + Guid.NewGuid().ToString("N")[..12];
        var writer = StoreBackends.Open("embedded", nameof(Concurrent_first_reads_in_a_fresh_process_read_records_without_a_parameterless_constructor), serviceName, out var writing);
        var ids = Enumerable.Range(0, 64).Select(i => $"w-{i}").ToList();
        await writer.GetCollection<WeightedDocument>("weighted").TryInsertManyAsync([.. ids.Select((id, i) => new WeightedDocument { Id = id, Weights = new Weights(i, 0.5) })]);
        (writing as IDisposable)?.Dispose();

        for (var round = 0; round < 20; round++)
        {
            var store = StoreBackends.Open("embedded", "reopened", serviceName, out var services);
            try
            {
                var documents = store.GetCollection<WeightedDocument>("weighted");
                var read = await Task.WhenAll(ids.Select(id => Task.Run(() => documents.FindByIdAsync(id))));
                Assert.That(read.Select(d => d!.Weights!.First), Is.EqualTo(Enumerable.Range(0, 64).Select(i => (double)i)), $"round {round}");
            }
            finally
            {
                (services as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>A positional record: no parameterless constructor.</summary>
    public sealed record Weights(double First, double Second);

    public sealed record WeightedDocument : IDocument
    {
        public required string Id { get; init; }
        public long Version { get; init; }
        public Weights? Weights { get; init; }
    }
}
