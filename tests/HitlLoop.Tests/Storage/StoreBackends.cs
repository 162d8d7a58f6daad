using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Testcontainers.MongoDb;

namespace HitlLoop.Tests.Storage;

/// <summary>
/// The stores the contract suite runs against: the embedded store always; MongoDB at HITL_MONGO_URI, or in a
/// Testcontainers container where Docker runs. Without either, the MongoDB fixture is reported as skipped.
/// </summary>
[SetUpFixture]
public sealed class StoreBackends
{
    private static MongoDbContainer? _container;
    private static string? _mongoUri;
    private static string? _mongoUnavailable;

    [OneTimeSetUp]
    public async Task FindMongo()
    {
        _mongoUri = Environment.GetEnvironmentVariable("HITL_MONGO_URI");
        if (!string.IsNullOrWhiteSpace(_mongoUri))
        {
            return;
        }

        if (!File.Exists("/var/run/docker.sock") && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")))
        {
            _mongoUnavailable = "No MongoDB: set HITL_MONGO_URI (e.g. mongodb://localhost:27017/?replicaSet=rs0) or run where Docker is available.";
            return;
        }

        try
        {
            _container = new MongoDbBuilder("mongo:7").WithReplicaSet().Build();
            await _container.StartAsync();
            _mongoUri = _container.GetConnectionString();
        }
        catch (Exception e)
        {
            _mongoUnavailable = $"No MongoDB: Docker did not start a MongoDB container ({e.Message}).";
        }
    }

    [OneTimeTearDown]
    public async Task StopMongo()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    /// <summary>A fresh, empty database of the given backend; ignores the calling test when MongoDB is unavailable.</summary>
    public static IDocumentStore Open(string backend, string testName, out IServiceProvider services) =>
        Open(backend, testName, "contract-" + Guid.NewGuid().ToString("N")[..12], out services);

    /// <summary>The named service's store; an embedded one lives in <see cref="EmbeddedDirectory"/>.</summary>
    public static IDocumentStore Open(string backend, string testName, string serviceName, out IServiceProvider services)
    {
        var settings = new Dictionary<string, string?>();
        if (backend == "mongodb")
        {
            if (_mongoUri is null)
            {
                Assert.Ignore(_mongoUnavailable ?? "No MongoDB.");
            }

            settings["Hitl:Store"] = "MongoDb";
            settings["Hitl:MongoDb:ConnectionString"] = _mongoUri;
            settings["Hitl:MongoDb:DatabasePrefix"] = "hitl-test-";
        }
        else
        {
            settings["Hitl:Store"] = "Embedded";
            settings["Hitl:Embedded:DataDirectory"] = EmbeddedDirectory(serviceName);
        }

        // An empty content root: the test output holds whichever service's appsettings.json was copied there last.
        var contentRoot = Path.Combine(Path.GetTempPath(), "hitl-tests", "content-" + serviceName);
        Directory.CreateDirectory(contentRoot);
        settings["Hitl:Auth:SigningKey"] = HitlLoop.Testing.TestAuth.SigningKey;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddHitlInfrastructure(new StoreOnlyService(serviceName));
        var provider = builder.Services.BuildServiceProvider();
        services = provider;
        TestContext.Out.WriteLine($"{testName}: {backend} store {serviceName}");
        return provider.GetRequiredService<IDocumentStoreFactory>().ForService(serviceName);
    }

    public static string EmbeddedDirectory(string serviceName) => Path.Combine(Path.GetTempPath(), "hitl-tests", serviceName);

    private sealed class StoreOnlyService(string name) : IHitlService
    {
        public string Name => name;

        public void AddServices(IHostApplicationBuilder builder)
        {
        }

        public void AddConsumers(MassTransit.IBusRegistrationConfigurator bus)
        {
        }

        public void MapEndpoints(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints)
        {
        }
    }
}
