using System.Globalization;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

/// <summary>One LiteDB file per service: durable, single-process, nothing to install.</summary>
internal sealed class LiteDbDocumentStore : IDocumentStore, IDisposable
{
    private readonly LiteDatabase _database;
    private readonly BsonMapper _mapper;
    private readonly LiteDbWriter _writer;

    public LiteDbDocumentStore(string serviceName, string filePath)
    {
        ServiceName = serviceName;
        _mapper = LiteDbMapping.CreateMapper();
        // Ids are case-sensitive, as in MongoDB. A file keeps the collation it was made with, so one from before
        // (LiteDB's case-insensitive default) is rebuilt once, by an instance of its own that is closed before the
        // store opens the file: rebuilding under a live instance leaves it reading stale pages. The file's keys cannot
        // collide, since the old collation had already merged any case twins.
        if (File.Exists(filePath))
        {
            using var existing = new LiteDatabase(new ConnectionString { Filename = filePath, Connection = ConnectionType.Direct });
            if (existing.Collation.SortOptions != Ordinal.SortOptions || existing.Collation.LCID != Ordinal.LCID)
            {
                existing.Rebuild(new LiteDB.Engine.RebuildOptions { Collation = Ordinal });
            }
        }

        var connection = new ConnectionString { Filename = filePath, Connection = ConnectionType.Direct, Collation = Ordinal };
        _database = new LiteDatabase(connection, _mapper) { UtcDate = true };
        _writer = new LiteDbWriter(_database, serviceName);
    }

    private static readonly Collation Ordinal = new(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal);

    public string ServiceName { get; }

    public IDocumentCollection<T> GetCollection<T>(string name)
        where T : class, IDocument
    {
        LiteDbMapping.Register(_mapper, typeof(T));
        // LiteDB allows only letters, digits and '_' in collection names; MongoDB names keep their dashes.
        return new LiteDbDocumentCollection<T>(_database.GetCollection<T>(name.Replace('-', '_')), _mapper, _writer);
    }

    public Task PingAsync(CancellationToken cancellationToken = default)
    {
        _ = _database.GetCollectionNames().Any();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _database.Dispose();
    }
}
