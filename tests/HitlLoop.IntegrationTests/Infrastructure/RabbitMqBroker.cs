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
            if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"{UriVariable} is not an absolute URI such as amqp://guest:guest@127.0.0.1:5672/.");
            }

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

    /// <summary>
    /// A fresh virtual host, so that each test sees empty queues of the services' fixed names. Only a private node
    /// can make one; on a broker given by <see cref="UriVariable"/> every test shares its virtual host.
    /// </summary>
    public async Task<Uri> CreateVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows() || _owned is not PrivateNode node)
        {
            return AmqpUri;
        }

        await node.AddVirtualHostAsync(name, cancellationToken);
        return new UriBuilder(AmqpUri) { Path = "/" + Uri.EscapeDataString(name) }.Uri;
    }

    /// <summary>
    /// Stops the RabbitMQ application on the node and starts it again (<c>rabbitmqctl stop_app</c> / <c>start_app</c>):
    /// every connection drops, durable queues and persistent messages stay. False when the broker is not a private
    /// node of this run (one given by <see cref="UriVariable"/> or a container), which cannot be restarted from here.
    /// </summary>
    public async Task<bool> RestartAppAsync(CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows() || _owned is not PrivateNode node)
        {
            return false;
        }

        await node.CtlAsync(["stop_app"], cancellationToken);
        await node.CtlAsync(["start_app"], cancellationToken);
        return true;
    }

    /// <summary>
    /// Caps the virtual host's connections (<c>rabbitmqctl set_vhost_limits</c>): the broker refuses new ones past the
    /// cap and keeps those open; null lifts it. False when the broker is not a private node of this run.
    /// </summary>
    public async Task<bool> LimitConnectionsAsync(Uri virtualHost, int? max, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows() || _owned is not PrivateNode node)
        {
            return false;
        }

        await node.CtlAsync(["set_vhost_limits", "-p", VirtualHostOf(virtualHost), $$"""{"max-connections": {{max ?? -1}}}"""], cancellationToken);
        return true;
    }

    /// <summary>
    /// Closes, from the broker's side, the virtual host's connections whose client named them
    /// <paramref name="clientName"/>; returns how many. Null when the broker is not a private node of this run.
    /// </summary>
    public async Task<int?> CloseConnectionsAsync(Uri virtualHost, string clientName, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows() || _owned is not PrivateNode node)
        {
            return null;
        }

        var vhost = VirtualHostOf(virtualHost);
        var listed = await node.CtlOutputAsync(["list_connections", "-q", "--no-table-headers", "pid", "vhost", "client_properties"], cancellationToken);
        var closed = 0;
        foreach (var columns in listed.Split('\n').Select(line => line.Split('\t')))
        {
            if (columns is [var pid, var host, var properties] && host == vhost && properties.Contains($"\"{clientName}\"", StringComparison.Ordinal))
            {
                await node.CtlAsync(["close_connection", pid, "closed by a test"], cancellationToken);
                closed++;
            }
        }

        return closed;
    }

    private static string VirtualHostOf(Uri virtualHost) =>
        virtualHost.AbsolutePath.TrimStart('/') is { Length: > 0 } name ? Uri.UnescapeDataString(name) : "/";

    /// <summary>
    /// Stops the whole node and starts it again (<c>rabbitmqctl stop</c>, then the server on the same ports and data
    /// directory): a broker host's reboot. False when the broker is not a private node of this run.
    /// </summary>
    public async Task<bool> RestartNodeAsync(CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows() || _owned is not PrivateNode node)
        {
            return false;
        }

        await node.RestartAsync(cancellationToken);
        return true;
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
                + $"--- last lines of its output ---{Environment.NewLine}{log}",
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

    // Testcontainers would probe further, but that is slow and noisy where there is no Docker at all.
    private static bool DockerSeemsAvailable()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))
            || File.Exists("/var/run/docker.sock")
            || File.Exists(Path.Combine(home, ".docker", "run", "docker.sock")) // Docker Desktop
            || File.Exists(Path.Combine(home, ".testcontainers.properties"))
            || (!string.IsNullOrEmpty(runtimeDir) && File.Exists(Path.Combine(runtimeDir, "docker.sock"))); // rootless
    }

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
            ClientProvidedName = "HitlLoop.IntegrationTests RabbitMqBroker",
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

        // Runs the server ($0, output to $1) and, should this process ($2) die without disposing the broker
        // (a killed debug session, a blame-hang timeout), stops the node with SIGTERM, which the server script
        // turns into a clean shutdown, and removes the node's directory ($3).
        public const string LaunchScript = """
            exec </dev/null >"$1" 2>&1
            "$0" &
            server=$!
            (
                while kill -0 "$2" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
                kill -0 "$2" 2>/dev/null || kill -TERM "$server" 2>/dev/null
            ) &
            wait "$server"
            kill -0 "$2" 2>/dev/null || rm -rf "$3"
            """;

        private static readonly TimeSpan _startupTimeout = TimeSpan.FromSeconds(90);
        // rabbitmqctl starts an Erlang VM of its own, and stop_app closes every connection first: on a loaded two-core
        // machine that took more than 30 s once, so the wait is generous.
        private static readonly TimeSpan _ctlTimeout = TimeSpan.FromSeconds(120);
        private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(15);

        private readonly string _directory;
        private readonly string _outputFile;
        private readonly Dictionary<string, string> _environment;
        private Process _process;

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
                    // Log to stdout only. Otherwise, once logging is configured early in the boot, messages go to a
                    // file under RABBITMQ_LOG_BASE and the output we keep would miss the ones explaining a failure.
                    ["RABBITMQ_LOGS"] = "-",
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

                _process = Launch();
            }
            catch
            {
                DeleteDirectory();
                throw;
            }
        }

        private Process Launch()
        {
            var start = NewStartInfo("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(LaunchScript);
            start.ArgumentList.Add(ServerScript);
            start.ArgumentList.Add(_outputFile);
            start.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(_directory);
            return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ServerScript}.");
        }

        /// <summary>Stops the whole node (the Erlang VM exits) and starts it again on the same ports and data.</summary>
        public async Task RestartAsync(CancellationToken cancellationToken)
        {
            await CtlAsync(["stop"], cancellationToken);
            using (var stopped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                stopped.CancelAfter(_stopTimeout);
                await _process.WaitForExitAsync(stopped.Token);
            }

            _process.Dispose();
            _process = Launch();
            await using var ready = await WaitUntilReadyAsync(cancellationToken);
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
                // Its exit code says nothing: the script reports 0 even when the VM failed to boot.
                throw new InvalidOperationException("rabbitmq-server exited before accepting connections.");
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

        public async Task CtlAsync(string[] command, CancellationToken cancellationToken)
        {
            var (exitCode, output) = await RunCtlAsync(command, cancellationToken);
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', command)} failed: {output}");
            }
        }

        public async Task<string> CtlOutputAsync(string[] command, CancellationToken cancellationToken)
        {
            var (exitCode, output) = await RunCtlAsync(command, cancellationToken);
            return exitCode == 0 ? output : throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', command)} failed: {output}");
        }

        public async Task AddVirtualHostAsync(string name, CancellationToken cancellationToken)
        {
            foreach (var command in new[] { new[] { "add_vhost", name }, ["set_permissions", "-p", name, "guest", ".*", ".*", ".*"] })
            {
                var (exitCode, output) = await RunCtlAsync(command, cancellationToken);
                if (exitCode != 0)
                {
                    throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', command)} failed: {output}");
                }
            }
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
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                ctl.Kill(entireProcessTree: true);
                throw new TimeoutException($"rabbitmqctl {string.Join(' ', arguments)} did not finish within {_ctlTimeout.TotalSeconds:F0} s.");
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
