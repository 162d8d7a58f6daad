namespace HitlLoop.ServiceDefaults.Storage;

/// <summary>A stored document: a string key and a version that every replace must advance by one.</summary>
public interface IDocument
{
    string Id { get; }

    /// <summary>Optimistic-concurrency token: a replace succeeds only against the version it read.</summary>
    long Version { get; }
}
