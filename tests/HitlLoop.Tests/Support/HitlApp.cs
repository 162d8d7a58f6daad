using System.Net.Http.Headers;
using HitlLoop.ServiceDefaults.Security;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Support;

/// <summary>
/// A service (or the embedded host) in-process over HTTP, on the in-memory bus and an embedded store in a
/// fresh temporary folder, trusting <see cref="TestAuth.SigningKey"/>; <typeparamref name="TEntryPoint"/> is any type of
/// the host's assembly.
/// </summary>
/// <remarks>
/// Given a <paramref name="dataDirectory"/>, the app reopens that store and leaves it in place on dispose;
/// <paramref name="services"/> adds registrations of the test's own (a log capture, say).
/// </remarks>
public sealed class HitlApp<TEntryPoint>(
    IDictionary<string, string?>? settings = null,
    string? dataDirectory = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<TEntryPoint>, IHitlApp
    where TEntryPoint : class
{
    public const string Reviewer = "alice";
    public const string OtherReviewer = "bob";

    private readonly string _dataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));

    public IBus Bus => Services.GetRequiredService<IBus>();

    /// <summary>A client signed in as a reviewer (alice unless named otherwise).</summary>
    public HttpClient ReviewerClient(string reviewer = Reviewer) => ClientAs(reviewer, HitlRoles.Reviewer);

    /// <summary>A client whose requests carry a JWT for <paramref name="subject"/> with <paramref name="roles"/>.</summary>
    public HttpClient ClientAs(string subject, params string[] roles) => ClientWithBearer(TestAuth.Token(subject, roles));

    /// <summary>A client sending "Authorization: Bearer <paramref name="credentials"/>": a token or an API key.</summary>
    public HttpClient ClientWithBearer(string credentials)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credentials);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Hitl:Transport", "InMemory");
        builder.UseSetting("Hitl:Store", "Embedded");
        builder.UseSetting("Hitl:Embedded:DataDirectory", _dataDirectory);
        builder.UseSetting("Router:AuditSampleRate", "0");
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

/// <summary>Any <see cref="HitlApp{TEntryPoint}"/>, for tests that run the same checks against several hosts.</summary>
public interface IHitlApp : IAsyncDisposable
{
    IServiceProvider Services { get; }

    HttpClient CreateClient();

    HttpClient ClientAs(string subject, params string[] roles);
}
