using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Testcontainers.RabbitMq;

namespace HitlLoop.IntegrationTests.Infrastructure;

/// <summary>
/// The RabbitMQ broker the integration tests run against, chosen in this order: the broker named by
/// <c>HITL_RABBITMQ_URI</c>; a private node of a locally installed rabbitmq-server; a Testcontainers container.
/// Disposing stops only what this instance started.
/// </summary>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    public const string UriVariable = "HITL_RABBITMQ_URI";

    private static readonly TimeSpan _connectPatience = TimeSpan.FromSeconds(30);

    private readonly IConnection _connection;
    private readonly IAsyncDisposable? _owned;
    private int _disposed;

    private RabbitMqBroker(Uri amqpUri, string source, IConnection connection, IAsyncDisposable? owned)
    {
        AmqpUri = amqpUri;
        Source = source;
        _connection = connection;
        _owned = owned;
    }

    public Uri AmqpUri { get; }

    /// <summary>Where the broker came from, for logs.</summary>
    public string Source { get; }

    public static async Task<RabbitMqBroker> StartAsync(CancellationToken cancellationToken = default)
    {
        var configured = Environment.GetEnvironmentVariable(UriVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var uri = new Uri(configured);
            var connection = await ConnectAsync(uri, UriVariable, cancellationToken);
            return new RabbitMqBroker(uri, UriVariable, connection, owned: null);
        }

        if (!OperatingSystem.IsWindows() && File.Exists(PrivateNode.ServerScript))
        {
            return await StartPrivateNodeAsync(cancellationToken);
        }

        if (DockerSeemsAvailable())
        {
            return await StartContainerAsync(cancellationToken);
        }

        throw new InvalidOperationException(
            "The integration tests need a RabbitMQ broker and none is available. Either set "
            + $"{UriVariable} to a running broker (e.g. amqp://guest:guest@127.0.0.1:5672/), or install RabbitMQ "
            + "locally (`apt-get install -y rabbitmq-server`; the tests start a private node of their own, the "
            + "system service need not run), or install Docker so that Testcontainers can start one.");
    }

    /// <summary>
    /// Ready messages in <paramref name="queue"/>, or 0 if the queue does not exist.
    /// Messages delivered but not yet acknowledged are not counted.
    /// </summary>
    public async Task<uint> MessageCountAsync(string queue, CancellationToken cancellationToken = default)
    {
        // A failed passive declare closes the channel it ran on, so each call gets its own.
        await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return declared.MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _connection.DisposeAsync();
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task<RabbitMqBroker> StartPrivateNodeAsync(CancellationToken cancellationToken)
    {
        var node = new PrivateNode();
        try
        {
            var connection = await node.WaitUntilReadyAsync(cancellationToken);
            return new RabbitMqBroker(node.AmqpUri, $"private rabbitmq-server node at port {node.AmqpUri.Port}", connection, node);
        }
        catch (Exception ex)
        {
            var log = node.ReadLogTail();
            await node.DisposeAsync();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new InvalidOperationException(
                $"The private RabbitMQ node {node.Name} did not start: {ex.Message}{Environment.NewLine}"
                + $"--- end of its output ---{Environment.NewLine}{log}",
                ex);
        }
    }

    private static async Task<RabbitMqBroker> StartContainerAsync(CancellationToken cancellationToken)
    {
        const string image = "rabbitmq:3.11";
        var container = new RabbitMqBuilder(image).Build();
        try
        {
            await container.StartAsync(cancellationToken);
            var uri = new Uri(container.GetConnectionString());
            var connection = await ConnectAsync(uri, "Testcontainers", cancellationToken);
            return new RabbitMqBroker(uri, "Testcontainers", connection, container);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    // Testcontainers itself would find Docker in more places, but probing it is slow and noisy when there is none.
    private static bool DockerSeemsAvailable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))
        || File.Exists("/var/run/docker.sock")
        || File.Exists(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "run", "docker.sock"));

    private static async Task<IConnection> ConnectAsync(Uri uri, string source, CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(_connectPatience);
        try
        {
            return await ConnectWhenReachableAsync(uri, static () => false, patience.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"{source}: the broker at {Redact(uri)} did not accept an AMQP connection within {_connectPatience.TotalSeconds} s.",
                ex.InnerException ?? ex);
        }
    }

    /// <summary>Retries while the broker is unreachable, until connected, <paramref name="giveUp"/> says so, or cancelled.</summary>
    private static async Task<IConnection> ConnectWhenReachableAsync(Uri uri, Func<bool> giveUp, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = uri,
            ClientProvidedName = "HitlLoop.IntegrationTests broker probe",
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        while (true)
        {
            try
            {
                return await factory.CreateConnectionAsync(cancellationToken);
            }
            catch (BrokerUnreachableException ex)
            {
                if (giveUp())
                {
                    throw;
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                }
                catch (OperationCanceledException cancelled)
                {
                    // Keep the last connection error: it is the useful part of a timeout message.
                    throw new OperationCanceledException(cancelled.Message, ex, cancellationToken);
                }
            }
        }
    }

    private static string Redact(Uri uri) =>
        uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    /// <summary>
    /// A throwaway rabbitmq-server node: its own ports, node name, Erlang cookie, data, logs and (empty) plugin
    /// list, all under one temp directory, so it neither needs nor disturbs a system RabbitMQ.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private sealed class PrivateNode : IAsyncDisposable
    {
        // Not /usr/sbin/rabbitmq-server: as root, that wrapper re-runs itself as the rabbitmq user via su.
        public const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
        public const string CtlScript = "/usr/lib/rabbitmq/bin/rabbitmqctl";
        private static readonly TimeSpan _startupTimeout = TimeSpan.FromSeconds(90);
        private static readonly TimeSpan _ctlTimeout = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(15);

        private readonly string _directory;
        private readonly string _outputFile;
        private readonly Dictionary<string, string> _environment;
        private readonly Process _process;

        public PrivateNode()
        {
            _directory = Directory.CreateTempSubdirectory("hitl-rabbitmq-").FullName;
            _outputFile = Path.Combine(_directory, "rabbitmq-server.out");
            Name = $"hitl-test-{Guid.NewGuid().ToString("N")[..12]}@localhost";
            try
            {
                var (amqpPort, distPort) = TwoFreeLoopbackPorts();
                AmqpUri = new Uri($"amqp://guest:guest@127.0.0.1:{amqpPort}/");

                File.WriteAllText(Path.Combine(_directory, "enabled_plugins"), "[].");

                // A private HOME gives server and CLI the same cookie without touching ~/.erlang.cookie, and avoids
                // both racing to create it. Erlang refuses a cookie file that others can read.
                var cookie = Path.Combine(_directory, ".erlang.cookie");
                File.WriteAllText(cookie, Guid.NewGuid().ToString("N"));
                File.SetUnixFileMode(cookie, UnixFileMode.UserRead);

                _environment = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["HOME"] = _directory,
                    ["RABBITMQ_NODENAME"] = Name,
                    ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                    ["RABBITMQ_NODE_PORT"] = amqpPort.ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_DIST_PORT"] = distPort.ToString(CultureInfo.InvariantCulture),
                    ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia"),
                    ["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log"),
                    ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins"),
                    // Files that do not exist: keeps /etc/rabbitmq (config, conf.d, advanced.config,
                    // rabbitmq-env.conf) from leaking into the node.
                    ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq.conf"),
                    ["RABBITMQ_CONFIG_FILES"] = Path.Combine(_directory, "conf.d"),
                    ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_directory, "advanced.config"),
                    ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_directory, "rabbitmq-env.conf"),
                    // Erlang distribution listens on all interfaces unless told otherwise.
                    ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
                };

                // exec: the rabbitmq-server script itself is our child, so a kill of its tree reaches the VM.
                var start = NewStartInfo("/bin/sh");
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add("exec \"$0\" >\"$1\" 2>&1 </dev/null");
                start.ArgumentList.Add(ServerScript);
                start.ArgumentList.Add(_outputFile);
                _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ServerScript}.");
            }
            catch
            {
                DeleteDirectory();
                throw;
            }
        }

        public string Name { get; }

        public Uri AmqpUri { get; }

        public async Task<IConnection> WaitUntilReadyAsync(CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_startupTimeout);
            var deadline = DateTime.UtcNow + _startupTimeout;
            try
            {
                // Polling AMQP first: await_startup fails at once while the node is not yet registered with epmd
                // and, once it is, re-checks only every 10 s.
                var connection = await ConnectWhenReachableAsync(AmqpUri, () => _process.HasExited, timeout.Token);
                try
                {
                    var seconds = Math.Max(1, (int)(deadline - DateTime.UtcNow).TotalSeconds);
                    var (exitCode, output) = await RunCtlAsync(
                        ["await_startup", "--timeout", seconds.ToString(CultureInfo.InvariantCulture)], timeout.Token);
                    if (exitCode != 0)
                    {
                        throw new InvalidOperationException($"rabbitmqctl await_startup exited with {exitCode}: {output}");
                    }
                }
                catch
                {
                    await connection.DisposeAsync();
                    throw;
                }

                return connection;
            }
            catch (BrokerUnreachableException) when (_process.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with code {_process.ExitCode}.");
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Not ready within {_startupTimeout.TotalSeconds} s.", ex.InnerException ?? ex);
            }
        }

        public string ReadLogTail(int lines = 40)
        {
            try
            {
                var all = File.ReadAllLines(_outputFile);
                return string.Join(Environment.NewLine, all.TakeLast(lines));
            }
            catch (IOException ex)
            {
                return $"(could not read {_outputFile}: {ex.Message})";
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                try
                {
                    await RunCtlAsync(["stop"], CancellationToken.None);
                }
                catch (Exception)
                {
                    // Fall through to waiting and, failing that, killing.
                }

                using var stopped = new CancellationTokenSource(_stopTimeout);
                try
                {
                    await _process.WaitForExitAsync(stopped.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }

            _process.Dispose();
            DeleteDirectory();
        }

        private async Task<(int ExitCode, string Output)> RunCtlAsync(string[] arguments, CancellationToken cancellationToken)
        {
            var start = NewStartInfo(CtlScript);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add(Name);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var ctl = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {CtlScript}.");
            var stdout = ctl.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = ctl.StandardError.ReadToEndAsync(CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_ctlTimeout);
            try
            {
                await ctl.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                ctl.Kill(entireProcessTree: true);
                throw;
            }

            return (ctl.ExitCode, $"{await stdout}{await stderr}".Trim());
        }

        private ProcessStartInfo NewStartInfo(string fileName)
        {
            var start = new ProcessStartInfo(fileName) { UseShellExecute = false, WorkingDirectory = _directory };

            // Inherited RABBITMQ_* variables (even RABBITMQ_ENV_LOADED) would override the isolation below.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("RABBITMQ_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(key);
            }

            foreach (var (key, value) in _environment)
            {
                start.Environment[key] = value;
            }

            return start;
        }

        private void DeleteDirectory()
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp directory must not fail the test run.
            }
        }

        private static (int First, int Second) TwoFreeLoopbackPorts()
        {
            // Both listeners are open at once, so the ports differ.
            using var first = new TcpListener(IPAddress.Loopback, 0);
            using var second = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            second.Start();
            return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
        }
    }
}
