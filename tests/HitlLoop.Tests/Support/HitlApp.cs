using System.Net.Http.Headers;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Support;

/// <summary>
/// A service (or the embedded host) in-process over HTTP, on the in-memory bus and an embedded store in a
/// fresh temporary folder; <typeparamref name="TEntryPoint"/> is any type of the host's assembly.
/// </summary>
/// <remarks>Given a <paramref name="dataDirectory"/>, the app reopens that store and leaves it in place on dispose.</remarks>
public sealed class HitlApp<TEntryPoint>(IDictionary<string, string?>? settings = null, string? dataDirectory = null) : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    public const string ReviewerToken = "alice-token";
    public const string OtherReviewerToken = "bob-token";

    private readonly string _dataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));

    public IBus Bus => Services.GetRequiredService<IBus>();

    public HttpClient ReviewerClient(string token = ReviewerToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Hitl:Transport", "InMemory");
        builder.UseSetting("Hitl:Store", "Embedded");
        builder.UseSetting("Hitl:Embedded:DataDirectory", _dataDirectory);
        builder.UseSetting("Router:AuditSampleRate", "0");
        builder.UseSetting("ReviewQueue:Reviewers:0:Id", "alice");
        builder.UseSetting("ReviewQueue:Reviewers:0:Token", ReviewerToken);
        builder.UseSetting("ReviewQueue:Reviewers:1:Id", "bob");
        builder.UseSetting("ReviewQueue:Reviewers:1:Token", OtherReviewerToken);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (dataDirectory is not null)
        {
            return;
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner if a file is still held.
        }
    }
}
