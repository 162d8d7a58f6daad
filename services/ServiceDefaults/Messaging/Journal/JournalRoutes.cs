using System.Collections.Frozen;
using MassTransit;

namespace HitlLoop.ServiceDefaults.Messaging.Journal;

/// <summary>Which receive endpoints of this process consume each message type: what a journal entry waits for.</summary>
public sealed class JournalRoutes
{
    private readonly FrozenDictionary<Type, string[]> _endpoints;

    /// <param name="consumers">The consumer types, each with its definition's endpoint name (or the default one).</param>
    public JournalRoutes(IEnumerable<(Type Consumer, string Endpoint)> consumers) =>
        _endpoints = consumers
            .SelectMany(c => MessageTypesOf(c.Consumer).Select(message => (Message: message, c.Endpoint)))
            .GroupBy(r => r.Message)
            .ToFrozenDictionary(g => g.Key, g => g.Select(r => r.Endpoint).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());

    public IEnumerable<Type> MessageTypes => _endpoints.Keys;

    public IReadOnlyList<string> EndpointsFor(Type messageType) => _endpoints.GetValueOrDefault(messageType) ?? [];

    public Type? MessageType(string fullName) => _endpoints.Keys.FirstOrDefault(t => t.FullName == fullName);

    private static IEnumerable<Type> MessageTypesOf(Type consumer) =>
        consumer.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0]);
}
