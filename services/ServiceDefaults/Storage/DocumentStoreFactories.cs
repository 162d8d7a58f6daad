using System.Collections.Concurrent;
using HitlLoop.ServiceDefaults.Storage.Embedded;
using HitlLoop.ServiceDefaults.Storage.Mongo;
using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace HitlLoop.ServiceDefaults.Storage;

internal sealed class EmbeddedDocumentStoreFactory(IOptions<HitlOptions> options) : IDocumentStoreFactory, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<LiteDbDocumentStore>> _stores = new();

    public IDocumentStore ForService(string serviceName) =>
        _stores.GetOrAdd(serviceName, name => new Lazy<LiteDbDocumentStore>(() => Open(name))).Value;

    private LiteDbDocumentStore Open(string serviceName)
    {
        var directory = Path.GetFullPath(options.Value.Embedded.DataDirectory);
        Directory.CreateDirectory(directory);
        return new LiteDbDocumentStore(serviceName, Path.Combine(directory, $"{serviceName}.db"));
    }

    public void Dispose()
    {
        foreach (var store in _stores.Values.Where(s => s.IsValueCreated))
        {
            store.Value.Dispose();
        }
    }
}

internal sealed class MongoDocumentStoreFactory(IOptions<HitlOptions> options) : IDocumentStoreFactory
{
    private readonly Lazy<IMongoClient> _client = new(() =>
    {
        MongoMapping.EnsureRegistered();
        return new MongoClient(options.Value.MongoDb.ConnectionString);
    });

    public IDocumentStore ForService(string serviceName) =>
        new MongoDocumentStore(_client.Value.GetDatabase(options.Value.MongoDb.DatabasePrefix + serviceName), serviceName);
}
