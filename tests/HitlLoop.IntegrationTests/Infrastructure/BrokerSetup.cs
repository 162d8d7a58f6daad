using System.Diagnostics;
using HitlLoop.IntegrationTests.Infrastructure;

namespace HitlLoop.IntegrationTests;

/// <summary>Starts one RabbitMQ broker for the whole test assembly (this fixture sits in its root namespace).</summary>
[SetUpFixture]
public sealed class BrokerSetup
{
    private static RabbitMqBroker? _broker;

    public static RabbitMqBroker Broker =>
        _broker ?? throw new InvalidOperationException("The broker exists only while the assembly's test run is in progress.");

    [OneTimeSetUp]
    public async Task StartBrokerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stopwatch = Stopwatch.StartNew();
        _broker = await RabbitMqBroker.StartAsync(timeout.Token);
        await TestContext.Progress.WriteLineAsync(
            $"RabbitMQ broker: {_broker.Source}, {_broker.AmqpUri.Host}:{_broker.AmqpUri.Port}, ready after {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    [OneTimeTearDown]
    public async Task StopBrokerAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
            _broker = null;
        }
    }
}
