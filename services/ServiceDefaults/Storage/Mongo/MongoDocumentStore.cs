using MongoDB.Bson;
using MongoDB.Driver;

namespace HitlLoop.ServiceDefaults.Storage.Mongo;

internal sealed class MongoDocumentStore(IMongoDatabase database, string serviceName) : IDocumentStore
{
    public string ServiceName { get; } = serviceName;

    public IDocumentCollection<T> GetCollection<T>(string name)
        where T : class, IDocument =>
        new MongoDocumentCollection<T>(database.GetCollection<T>(name));

    public Task PingAsync(CancellationToken cancellationToken = default) =>
        database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
}
