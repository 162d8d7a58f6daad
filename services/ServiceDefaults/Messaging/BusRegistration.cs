using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HitlLoop.ServiceDefaults;

public static class BusRegistration
{
    internal static IServiceCollection AddHitlBus(this IServiceCollection services, HitlOptions options, IReadOnlyList<IHitlService> hitlServices)
    {
        services.AddMassTransit(bus =>
        {
            // A service reports to nobody but its own telemetry endpoint: no usage reports to the library's makers.
            bus.ConfigureUsageTelemetryOptions(usage => usage.Enabled = false);
            foreach (var service in hitlServices)
            {
                service.AddConsumers(bus);
            }

            bus.AddConfigureEndpointsCallback((context, _, endpoint) => ApplyConsumerDefaults(endpoint, context));

            if (options.Transport == TransportKind.RabbitMq)
            {
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    var settings = context.GetRequiredService<IOptions<HitlOptions>>().Value.RabbitMq;
                    rabbit.Host(settings.Uri);
                    rabbit.PrefetchCount = settings.PrefetchCount;
                    ConfigureSerialization(rabbit);
                    rabbit.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, memory) =>
                {
                    ConfigureSerialization(memory);
                    memory.ConfigureEndpoints(context);
                });
            }
        });

        return services;
    }

    /// <summary>
    /// Every consumer: a few quick retries for transient faults (never for invalid messages), and publishes held
    /// back until the consumer's work succeeded.
    /// </summary>
    public static void ApplyConsumerDefaults(IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        endpoint.UseMessageRetry(retry =>
        {
            retry.Ignore<MessageValidationException>();
            retry.Intervals(100, 500, 2_000);
        });
        endpoint.UseInMemoryOutbox(context);
    }

    /// <summary>
    /// Chat products in any language may publish plain JSON (content type application/json, or none) as well
    /// as MassTransit's envelope; both share the camelCase, enum-as-string shape of <see cref="MessageJson"/>.
    /// </summary>
    public static void ConfigureSerialization(IBusFactoryConfigurator bus)
    {
        bus.ConfigureJsonSerializerOptions(MessageJson.Configure);
        bus.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType | RawSerializerOptions.AddTransportHeaders, isDefault: true);
    }
}
