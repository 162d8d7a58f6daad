using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HitlLoop.ServiceDefaults.Outbox;

public static class OutboxRegistration
{
    /// <summary>Publishes, in the background, events left in documents of <typeparamref name="T"/>.</summary>
    public static IServiceCollection AddOutboxSweeper<T>(this IServiceCollection services, Func<IServiceProvider, IDocumentCollection<T>> collection)
        where T : class, IHasOutbox<T>
    {
        services.AddHostedService(sp => new OutboxSweeper<T>(
            collection(sp),
            sp.GetRequiredService<OutboxDispatcher>(),
            sp.GetRequiredService<ILogger<OutboxSweeper<T>>>()));
        return services;
    }
}
