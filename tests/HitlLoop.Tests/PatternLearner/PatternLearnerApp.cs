using HitlLoop.PatternLearner;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>The PatternLearner process as deployed, but on the in-memory bus and an embedded store in a fresh folder.</summary>
internal sealed class PatternLearnerApp : WebApplicationFactory<PatternLearnerService>
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // appsettings.json points at RabbitMQ and MongoDB, as production does; both must be overridden here.
        builder.UseSetting("Hitl:Transport", "InMemory");
        builder.UseSetting("Hitl:Store", "Embedded");
        builder.UseSetting("Hitl:Embedded:DataDirectory", _dataDirectory);
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
            // A file still held open on a slow shutdown is left for the OS temp cleaner.
        }
    }
}
