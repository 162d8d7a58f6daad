using System.ComponentModel.DataAnnotations;

namespace HitlLoop.ServiceDefaults;

public enum TransportKind
{
    InMemory,
    RabbitMq,
}

public enum StoreKind
{
    Embedded,
    MongoDb,
}

/// <summary>The "Hitl" configuration section: which transport and store every service in this process uses.</summary>
public sealed class HitlOptions
{
    public const string Section = "Hitl";

    public TransportKind Transport { get; set; } = TransportKind.InMemory;
    public StoreKind Store { get; set; } = StoreKind.Embedded;
    public RabbitMqOptions RabbitMq { get; set; } = new();
    public EmbeddedStoreOptions Embedded { get; set; } = new();
    public MongoDbOptions MongoDb { get; set; } = new();
}

public sealed class RabbitMqOptions
{
    [Required]
    public Uri Uri { get; set; } = new("amqp://guest:guest@localhost:5672/");

    /// <summary>Messages each consumer endpoint fetches ahead; bounds memory per replica.</summary>
    [Range(1, 10_000)]
    public ushort PrefetchCount { get; set; } = 32;
}

public sealed class EmbeddedStoreOptions
{
    /// <summary>Folder holding one database file per service.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";
}

public sealed class MongoDbOptions
{
    [Required]
    public string ConnectionString { get; set; } = "mongodb://localhost:27017/?replicaSet=rs0";

    /// <summary>Each service owns the database named prefix + service name, e.g. "hitl-router".</summary>
    [Required]
    public string DatabasePrefix { get; set; } = "hitl-";
}
