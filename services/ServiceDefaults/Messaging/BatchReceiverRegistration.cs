using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HitlLoop.ServiceDefaults;

/// <summary>The names the messaging code reports its traces and metrics under.</summary>
public static class MessagingTelemetry
{
    /// <summary>The activity source of the batch receivers' consume activities.</summary>
    public const string SourceName = "HitlLoop.Messaging";

    /// <summary>The meter of the batch receivers' counts.</summary>
    public const string MeterName = "HitlLoop.Messaging";

    /// <summary>Messages a batch receiver finished, tagged with the queue and the outcome (consumed or faulted).</summary>
    public const string ReceivedCounter = "hitl.messaging.received";
}

public static class BatchReceiverRegistration
{
    /// <summary>
    /// Consumes <paramref name="queue"/> with a <see cref="RabbitMqBatchReceiver{T}"/> that runs while the bus runs
    /// and counts towards readiness; no MassTransit consumer may read the same queue.
    /// </summary>
    public static IServiceCollection AddRabbitMqBatchReceiver<T>(
        this IServiceCollection services, string queue, ushort prefetch, Func<IServiceProvider, ReceivedMessageHandler<T>> handler)
        where T : class
    {
        // The handler is resolved with the first message: what it needs may need the bus, which is being built when
        // its observers are.
        services.AddSingleton(sp => new RabbitMqBatchReceiver<T>(
            queue,
            prefetch,
            new Lazy<ReceivedMessageHandler<T>>(() => handler(sp)),
            sp.GetRequiredService<IOptions<HitlOptions>>(),
            sp.GetRequiredService<IMeterFactory>(),
            sp.GetRequiredService<ILogger<RabbitMqBatchReceiver<T>>>()));
        services.AddBusObserver(sp => sp.GetRequiredService<RabbitMqBatchReceiver<T>>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(queue, sp => sp.GetRequiredService<RabbitMqBatchReceiver<T>>(), null, ["ready"]));
        return services;
    }
}
