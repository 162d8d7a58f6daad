using HitlLoop.ServiceDefaults.Messaging.Journal;
using HitlLoop.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
                    // The in-memory bus forgets what a killed process held; the journal keeps it until consumed.
                    var journal = context.GetRequiredService<MessageJournal>();
                    var routes = context.GetRequiredService<JournalRoutes>();
                    memory.ConfigurePublish(publish =>
                    {
                        foreach (var type in routes.MessageTypes)
                        {
                            JournalPublishes.MakeGenericMethod(type).Invoke(null, [publish, journal, routes]);
                        }
                    });
                    memory.UseFilter(new JournalConsumeFilter(journal));
                    memory.ConfigureEndpoints(context);
                });
            }
        });

        if (options.Transport == TransportKind.InMemory)
        {
            AddJournal(services);
        }
        else
        {
            services.Replace(ServiceDescriptor.Singleton<IEventPublisher, RabbitMqEventPublisher>());
        }

        return services;
    }

    /// <summary>
    /// The in-memory bus's journal: its store, the endpoints each message type goes to (from the consumers registered
    /// above and their definitions), and the replay that runs once the bus has started.
    /// </summary>
    private static void AddJournal(IServiceCollection services)
    {
        Type[] consumers = [.. services
            .Where(d => d.ServiceType == d.ImplementationType && d.ServiceType.IsClass && typeof(IConsumer).IsAssignableFrom(d.ServiceType))
            .Select(d => d.ServiceType)
            .Distinct()];
        services.AddSingleton<MessageJournal>();
        services.AddSingleton<IStoreSetup>(sp => sp.GetRequiredService<MessageJournal>());
        services.AddSingleton(sp => new JournalRoutes(consumers.Select(consumer => (consumer, EndpointOf(sp, consumer)))));
        // Registered after AddMassTransit, so it starts once the bus (and every consumer endpoint) runs.
        services.AddHostedService<JournalReplay>();
    }

    private static readonly System.Reflection.MethodInfo JournalPublishes =
        typeof(BusRegistration).GetMethod(nameof(JournalPublishesOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static void JournalPublishesOf<T>(IPublishPipeConfigurator publish, MessageJournal journal, JournalRoutes routes)
        where T : class =>
        publish.UseFilter(new JournalPublishFilter<T>(journal, routes));

    private static string EndpointOf(IServiceProvider services, Type consumer) =>
        services.GetService(typeof(IConsumerDefinition<>).MakeGenericType(consumer)) is IConsumerDefinition definition
            ? definition.GetEndpointName(DefaultEndpointNameFormatter.Instance)
            : throw new InvalidOperationException($"{consumer.Name} has no consumer definition: the journal cannot tell which queue it reads.");

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
