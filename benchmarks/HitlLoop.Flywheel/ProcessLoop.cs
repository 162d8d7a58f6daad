using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Messaging;
using MassTransit;

namespace HitlLoop.Flywheel;

/// <summary>
/// The five services as five operating-system processes over RabbitMQ, each on its own embedded store, run from their
/// build output as a deployment runs them. They share a simulated clock (<c>Hitl:SimulatedClock</c>) that runs
/// many times as fast as real time: nobody can stop it between steps, so the simulation waits for it
/// instead, and two runs of a seed are alike rather than identical.
/// </summary>
public sealed class ProcessLoop : ILoop
{
    /// <summary>Real time the processes get to start before the simulated clock reaches the first day.</summary>
    private static readonly TimeSpan StartUp = TimeSpan.FromSeconds(30);

    /// <summary>Real time given to the broker and the consumers to carry a request's events through.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(10);

    private static readonly (string Project, string[] Paths)[] Services =
    [
        ("Router", ["responses", "router"]),
        ("ReviewQueue", ["reviews", "reviewers", "queue"]),
        ("Feedback", ["feedback"]),
        ("PatternLearner", ["guidance", "patterns"]),
        ("TrainingOrchestrator", ["retrain", "retrain-requests", "datasets", "models"]),
    ];

    private readonly List<Process> _processes;
    private readonly Dictionary<string, Uri> _routes;
    private readonly IBusControl _bus;
    private readonly string _dataDirectory;
    private readonly ScaledTimeProvider _clock;
    private readonly string? _virtualHost;

    private ProcessLoop(
        List<Process> processes, Dictionary<string, Uri> routes, IBusControl bus, string dataDirectory, ScaledTimeProvider clock, string? virtualHost)
    {
        _virtualHost = virtualHost;
        _processes = processes;
        _routes = routes;
        _bus = bus;
        _dataDirectory = dataDirectory;
        _clock = clock;
    }

    public TimeProvider Clock => _clock;

    public static async Task<ILoop> StartAsync(
        DateTimeOffset start, int reviewers, IReadOnlyDictionary<string, string> settings, Uri broker, double speed, string? name)
    {
        var root = RepositoryRoot();
        // Without a name, the broker address names the virtual host to run on.
        var virtualHost = name is null ? null : $"flywheel-{name}-{Guid.NewGuid().ToString("N")[..8]}";
        if (virtualHost is not null && await RabbitCtlAsync("add_vhost", virtualHost))
        {
            // A virtual host of its own: nothing a variant left on the broker reaches the next one's services.
            var user = Uri.UnescapeDataString(broker.UserInfo.Split(':')[0] is { Length: > 0 } named ? named : "guest");
            await RabbitCtlAsync("set_permissions", "-p", virtualHost, user, ".*", ".*", ".*");
            broker = new UriBuilder(broker) { Path = "/" + Uri.EscapeDataString(virtualHost) }.Uri;
        }
        else if (virtualHost is not null)
        {
            Console.Error.WriteLine($"rabbitmqctl is not at hand: every variant runs on {broker.AbsolutePath}; give each its own virtual host for clean runs.");
            virtualHost = null;
        }

        var configuration = typeof(ProcessLoop).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-flywheel", Guid.NewGuid().ToString("N"));
        var origin = DateTimeOffset.UtcNow + StartUp;
        var ports = Services.ToDictionary(s => s.Project, _ => LoopHost.FreePort(), StringComparer.Ordinal);
        var shared = LoopHost.Settings(reviewers, settings);
        shared["Hitl:Transport"] = "RabbitMq";
        shared["Hitl:RabbitMq:Uri"] = broker.ToString();
        shared["Hitl:Store"] = "Embedded";
        shared["Hitl:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        shared["Hitl:SimulatedClock:Start"] = start.ToString("O");
        shared["Hitl:SimulatedClock:Origin"] = origin.ToString("O");
        shared["Hitl:SimulatedClock:Speed"] = speed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        shared["TrainingOrchestrator:PublicBaseUrl"] = $"http://127.0.0.1:{ports["TrainingOrchestrator"]}";

        // Real latency counts Speed times over: a lease of two real seconds, unless the world sets one, so a claim
        // outlives the requests between it and its verdict.
        shared.TryAdd("ReviewQueue:LeaseDuration", TimeSpan.FromSeconds(2 * speed).ToString("c", System.Globalization.CultureInfo.InvariantCulture));

        var processes = new List<Process>();
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker);
            BusRegistration.ConfigureSerialization(rabbit);
        });
        try
        {
            foreach (var (project, _) in Services)
            {
                var dll = Path.Combine(root, "services", project, "bin", configuration, "net10.0", $"HitlLoop.{project}.dll");
                if (!File.Exists(dll))
                {
                    throw new FileNotFoundException($"Build the services first (dotnet build -c {configuration}): {dll} is missing.", dll);
                }

                var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
                info.ArgumentList.Add(dll);
                info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ports[project]}";
                info.Environment["Hitl__Embedded__DataDirectory"] = Path.Combine(dataDirectory, project);
                foreach (var (key, value) in shared)
                {
                    info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
                }

                processes.Add(Process.Start(info) ?? throw new InvalidOperationException($"{project} did not start."));
            }

            var routes = Services.SelectMany(s => s.Paths.Select(p => (p, Uri: new Uri($"http://127.0.0.1:{ports[s.Project]}/"))))
                .ToDictionary(r => r.p, r => r.Uri, StringComparer.Ordinal);
            await Task.WhenAll(Services.Select(s => WaitReadyAsync(s.Project, ports[s.Project], processes)));
            await bus.StartAsync();
            var loop = new ProcessLoop(processes, routes, bus, dataDirectory, new ScaledTimeProvider(start, origin, speed), virtualHost);
            if (origin - DateTimeOffset.UtcNow is { Ticks: > 0 } early)
            {
                await Task.Delay(early);
            }

            return loop;
        }
        catch
        {
            Kill(processes);
            await bus.StopAsync();
            if (virtualHost is not null)
            {
                await RabbitCtlAsync("delete_vhost", virtualHost);
            }

            throw;
        }
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient(new ServiceRoutes(_routes)) { BaseAddress = new Uri("http://loop/"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public Task PublishAsync<T>(T message)
        where T : class => _bus.Publish(message);

    public Task AdvanceAsync(TimeSpan span, TimeSpan step) => PassAsync(span);

    public Task PassAsync(TimeSpan span) => span > TimeSpan.Zero ? Task.Delay(_clock.Real(span)) : Task.CompletedTask;

    public Task SettledAsync() => Task.Delay(Settle);

    public async ValueTask DisposeAsync()
    {
        Kill(_processes);
        await _bus.StopAsync();
        if (_virtualHost is not null)
        {
            await RabbitCtlAsync("delete_vhost", _virtualHost);
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temporary folder's cleaner.
        }
    }

    private static void Kill(List<Process> processes)
    {
        foreach (var process in processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }

    /// <summary>Runs <c>rabbitmqctl</c> on a local broker; false when it is not installed or fails.</summary>
    private static async Task<bool> RabbitCtlAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("rabbitmqctl") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            await process.StandardOutput.ReadToEndAsync();
            await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task WaitReadyAsync(string project, int port, List<Process> processes)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"A service exited with code {exited.ExitCode} while {project} started; its output is above.");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{project} was not ready within 90 s.");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HitlLoop.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The five-process mode runs the services from their build output: run the simulator from the checkout.");
    }

    /// <summary>Sends each request to the service that serves its path (<c>/api/{first segment}</c>).</summary>
    private sealed class ServiceRoutes(Dictionary<string, Uri> routes) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var segment = path.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["api", var first, ..] ? first : "";
            if (!routes.TryGetValue(segment, out var service))
            {
                throw new InvalidOperationException($"No service of the loop serves {path}.");
            }

            request.RequestUri = new Uri(service, request.RequestUri.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
