using System.Security.Cryptography;
using HitlLoop.ServiceDefaults;

namespace HitlLoop.ExportBench;

/// <summary>One service in this process, on the in-memory bus and a fresh embedded store in <c>directory</c>, listening on a free port.</summary>
internal static class BenchHost
{
    public static async Task<WebApplication> StartAsync(IHitlService service, string directory, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:Transport"] = "InMemory",
            ["Hitl:Store"] = "Embedded",
            ["Hitl:Embedded:DataDirectory"] = directory,
            ["Hitl:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Urls"] = "http://127.0.0.1:0",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddHitlServices(service);
        var app = builder.Build();
        app.MapHitlServices();
        await app.StartAsync();
        return app;
    }
}
