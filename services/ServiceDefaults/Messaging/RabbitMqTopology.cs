using MassTransit;
using RabbitMQ.Client;

namespace HitlLoop.ServiceDefaults;

/// <summary>The broker topology MassTransit keeps for a message type, declared on a plain RabbitMQ.Client channel.</summary>
internal static class RabbitMqTopology
{
    /// <summary>Declares what MassTransit would before its first publish of <typeparamref name="T"/>, and names the type's exchange.</summary>
    public static async Task<string> DeclarePublishTopologyAsync<T>(IBus bus, IChannel channel, CancellationToken cancellationToken)
        where T : class
    {
        var topology = (IRabbitMqMessagePublishTopology<T>)bus.Topology.Publish<T>();
        var broker = topology.GetBrokerTopology();
        foreach (var exchange in broker.Exchanges)
        {
            await channel.ExchangeDeclareAsync(
                exchange.ExchangeName, exchange.ExchangeType, exchange.Durable, exchange.AutoDelete, Arguments(exchange.ExchangeArguments),
                cancellationToken: cancellationToken);
        }

        foreach (var binding in broker.ExchangeBindings)
        {
            await channel.ExchangeBindAsync(
                binding.Destination.ExchangeName, binding.Source.ExchangeName, binding.RoutingKey, Arguments(binding.Arguments),
                cancellationToken: cancellationToken);
        }

        return topology.Exchange.ExchangeName;
    }

    private static Dictionary<string, object?>? Arguments(IDictionary<string, object>? arguments) =>
        arguments is { Count: > 0 } ? arguments.ToDictionary(a => a.Key, object? (a) => a.Value) : null;
}
