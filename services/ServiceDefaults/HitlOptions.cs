using System.ComponentModel.DataAnnotations;
using HitlLoop.ServiceDefaults.Security;

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

/// <summary>The "Hitl" configuration section: which transport and store every service in this process uses, and whom it trusts.</summary>
public sealed class HitlOptions : IValidatableObject
{
    public const string Section = "Hitl";

    public TransportKind Transport { get; set; } = TransportKind.InMemory;
    public StoreKind Store { get; set; } = StoreKind.Embedded;
    public RabbitMqOptions RabbitMq { get; set; } = new();
    public EmbeddedStoreOptions Embedded { get; set; } = new();
    public MongoDbOptions MongoDb { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public Http.RateLimitOptions RateLimit { get; set; } = new();
    public Http.CorsOptions Cors { get; set; } = new();

    /// <summary>Simulated time, for simulations only (<see cref="SimulatedClockOptions"/>); null runs on real time.</summary>
    public SimulatedClockOptions? SimulatedClock { get; set; }

    /// <summary>
    /// Whether the default redactor (emails, phone numbers, card numbers) runs on what products send before reviewers or
    /// training data see it. Off only where products redact before they send; a registered ITextRedactor replaces it.
    /// </summary>
    public bool RedactPersonalData { get; set; } = true;

    /// <summary>Whether this process runs on infrastructure other processes share: a broker or a database server.</summary>
    internal bool SharesInfrastructure => Transport == TransportKind.RabbitMq || Store == StoreKind.MongoDb;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Its key lives in one process's data directory: other replicas could not validate its tokens, and anyone
        // who can read that directory can mint an admin token. Fine on a laptop, wrong for a deployment.
        if (Auth.DevelopmentIssuer && SharesInfrastructure && !Auth.AllowUnsafeDevelopmentIssuer)
        {
            yield return new ValidationResult(
                $"is refused with Hitl:Transport={Transport} and Hitl:Store={Store}: it is for the embedded host on one machine. " +
                "Point Hitl:Auth:Authority at your identity provider or share a Hitl:Auth:SigningKey instead " +
                "(or set Hitl:Auth:AllowUnsafeDevelopmentIssuer to true if you really mean it).",
                [$"{nameof(Auth)}:{nameof(AuthOptions.DevelopmentIssuer)}"]);
        }
    }
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
