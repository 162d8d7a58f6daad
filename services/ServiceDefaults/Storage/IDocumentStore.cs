namespace HitlLoop.ServiceDefaults.Storage;

/// <summary>One service's own database.</summary>
public interface IDocumentStore
{
    string ServiceName { get; }

    IDocumentCollection<T> GetCollection<T>(string name)
        where T : class, IDocument;

    /// <summary>A cheap round trip used by the readiness probe.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}

/// <summary>Hands each service its own database; services never open another's.</summary>
public interface IDocumentStoreFactory
{
    IDocumentStore ForService(string serviceName);
}
