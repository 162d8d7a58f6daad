using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace HitlLoop.IntegrationTests.Support;

/// <summary>One HitlLoop service as its own operating-system process, run from its build output.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>How much of the output's start is kept: how the process started.</summary>
    private const int HeadChars = 16_000;

    /// <summary>How much of the output's latest lines is kept: what it did last.</summary>
    private const int TailChars = 48_000;

    private readonly Process _process;
    private readonly StringBuilder _head = new();
    private readonly Queue<string> _tail = new();
    private int _tailChars;
    private long _leftOut;
    private int _disposed;

    private ServiceProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The output's start and its latest lines, with how much was left out between them.</summary>
    public string Output
    {
        get
        {
            lock (_head)
            {
                var output = new StringBuilder(_head.ToString());
                if (_leftOut > 0)
                {
                    output.AppendLine($"[... {_leftOut:N0} characters left out ...]");
                }

                foreach (var line in _tail)
                {
                    output.AppendLine(line);
                }

                return output.ToString();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts services/{project} and returns once its readiness probe answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(string project, int port, IReadOnlyDictionary<string, string> environment)
    {
        var dll = Repository.PathOf("services", project, "bin", BuildConfiguration(), "net10.0", $"HitlLoop.{project}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build {project} first: {dll} is missing.", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {project}.");
        var service = new ServiceProcess(project, process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await service.WaitReadyAsync(TimeSpan.FromSeconds(90));
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} was not ready within {timeout}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_head)
        {
            if (_tail.Count == 0 && _head.Length < HeadChars)
            {
                _head.AppendLine(line);
                return;
            }

            _tail.Enqueue(line);
            _tailChars += line.Length;
            while (_tailChars > TailChars && _tail.TryDequeue(out var dropped))
            {
                _tailChars -= dropped.Length;
                _leftOut += dropped.Length;
            }
        }
    }

    /// <summary>Kills the process (SIGKILL: nothing is flushed or closed first); safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string BuildConfiguration() =>
        typeof(ServiceProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
