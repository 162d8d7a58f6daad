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
}
