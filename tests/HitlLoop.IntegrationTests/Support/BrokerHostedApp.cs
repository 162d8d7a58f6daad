using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.IntegrationTests.Support;

/// <summary>A service in-process on real RabbitMQ (its own virtual host) with an embedded store in a temp folder.</summary>
public sealed class BrokerHostedApp<TEntryPoint>(
    Uri rabbitUri, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-it", Guid.NewGuid().ToString("N"));

    /// <summary>A client signed in as a review lead, who may read decisions and queue health.</summary>
    public HttpClient LeadClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestAuth.Token("lena", "lead"));
        return client;
    }

    /// <summary>Stops consuming; returns once messages already being consumed are done.</summary>
    public Task StopConsumingAsync() => Services.GetRequiredService<IBusControl>().StopAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Hitl:Transport", "RabbitMq");
        builder.UseSetting("Hitl:RabbitMq:Uri", rabbitUri.ToString());
        builder.UseSetting("Hitl:Store", "Embedded");
        builder.UseSetting("Hitl:Embedded:DataDirectory", _dataDirectory);
        builder.UseSetting("Hitl:Auth:SigningKey", TestAuth.SigningKey);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
