using System.Collections.Concurrent;
using System.Globalization;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

/// <summary>One LiteDB file per service: durable, single-process, nothing to install.</summary>
internal sealed class LiteDbDocumentStore : IDocumentStore, IDisposable
{
    // One engine per file in this process: two on one file corrupt it, and a host restarted in-process can open its
    // store while the old host is still letting go of it. The second opening waits for the first to close.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> OpenFiles = new(StringComparer.Ordinal);
    private static readonly TimeSpan OpenPatience = TimeSpan.FromSeconds(30);

    private readonly LiteDatabase _database;
    private readonly BsonMapper _mapper;
    private readonly LiteDbWriter _writer;
    private readonly SemaphoreSlim _file;
    private readonly ConcurrentDictionary<string, Lazy<int>> _created = new(StringComparer.Ordinal);
    private int _disposed;

    public LiteDbDocumentStore(string serviceName, string filePath)
    {
        ServiceName = serviceName;
        _file = OpenFiles.GetOrAdd(Path.GetFullPath(filePath), _ => new SemaphoreSlim(1, 1));
        if (!_file.Wait(OpenPatience))
        {
            throw new IOException($"{filePath} is still open in this process after {OpenPatience.TotalSeconds:F0} s.");
        }

        try
        {
            (_mapper, _database) = Open(filePath);
            _writer = new LiteDbWriter(_database, serviceName);
        }
        catch
        {
            _file.Release();
            throw;
        }
    }

    private static (BsonMapper, LiteDatabase) Open(string filePath)
    {
        var mapper = LiteDbMapping.CreateMapper();
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
        return (mapper, new LiteDatabase(connection, mapper) { UtcDate = true, CheckpointSize = CheckpointPages });
    }

    /// <summary>
    /// The log length, in 8 KB pages, at which a commit copies the log into the data file (LiteDB's default is 1,000).
    /// A checkpoint holds every caller for about 1.3 ms plus 8.5 µs a page here, so under a steady stream of writes
    /// a shorter log trades a little median time for a lower tail: see <see cref="LiteDbWriter"/>.
    /// </summary>
    private const int CheckpointPages = 300;

    private static readonly Collation Ordinal = new(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal);

    public string ServiceName { get; }

    public IDocumentCollection<T> GetCollection<T>(string name)
        where T : class, IDocument
    {
        LiteDbMapping.Register(_mapper, typeof(T));
        // LiteDB allows only letters, digits and '_' in collection names; MongoDB names keep their dashes.
        var collection = _database.GetCollection<T>(name.Replace('-', '_'));
        _ = _created.GetOrAdd(collection.Name, _ => new Lazy<int>(() => Create(collection), LazyThreadSafetyMode.PublicationOnly)).Value;
        return new LiteDbDocumentCollection<T>(collection, _mapper, _writer);
    }

    // LiteDB names a new collection in its shared header while committing it, a moment before readers can see the
    // collection's pages; a read in that moment fails ("page type must be collection page") and the engine closes
    // itself. So a collection is created, and its creation committed, before anyone is handed it to read.
    // Inserting nothing creates the collection and writes no document.
    private int Create<T>(ILiteCollection<T> collection) =>
        _writer.WriteAsync(() => collection.Insert(Array.Empty<T>())).GetAwaiter().GetResult();

    public Task PingAsync(CancellationToken cancellationToken = default)
    {
        _ = _database.GetCollectionNames().Any();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            _writer.Dispose();
            _database.Dispose();
        }
        finally
        {
            _file.Release();
        }
    }
}
