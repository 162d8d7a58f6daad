using HitlLoop.ServiceDefaults;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HitlLoop.Tests.Support;

/// <summary>
/// One or more services wired exactly as in production, but on MassTransit's in-memory test harness and an
/// embedded store in a fresh temporary folder.
/// </summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _dataDirectory;

    private ServiceHarness(IHost host, string dataDirectory)
    {
        _host = host;
        _dataDirectory = dataDirectory;
    }

    public IServiceProvider Services => _host.Services;

    public ITestHarness Bus => _host.Services.GetRequiredService<ITestHarness>();

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    /// <param name="configure">Registrations of the test's own (a fake clock, say), made after the services' own.</param>
    public static async Task<ServiceHarness> StartAsync(
        IHitlService[] services, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));
        // The test output holds an appsettings.json from whichever referenced service was copied last; a fresh content
        // root keeps that out, so the harness runs on the defaults plus the settings given here.
        Directory.CreateDirectory(dataDirectory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = dataDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:Store"] = "Embedded",
            ["Hitl:Embedded:DataDirectory"] = dataDirectory,
            ["Hitl:Auth:SigningKey"] = TestAuth.SigningKey,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddHitlInfrastructure(services);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.ConfigureUsageTelemetryOptions(usage => usage.Enabled = false);
            foreach (var service in services)
            {
                service.AddConsumers(bus);
            }

            bus.AddConfigureEndpointsCallback((context, _, endpoint) => BusRegistration.ApplyConsumerDefaults(endpoint, context));
            bus.UsingInMemory((context, memory) =>
            {
                BusRegistration.ConfigureSerialization(memory);
                memory.ConfigureEndpoints(context);
            });
        });

        // MassTransit's 1.2 s of bus inactivity ends a wait early on a busy two-core machine; 3 s does not.
        builder.Services.Configure<TestHarnessOptions>(harness => harness.TestInactivityTimeout = TimeSpan.FromSeconds(3));

        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new ServiceHarness(host, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on a slow shutdown is left for the OS temp cleaner.
        }
    }
}
