using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HitlLoop.ServiceDefaults.Outbox;

public static class OutboxRegistration
{
    /// <summary>
    /// Makes <typeparamref name="T"/>'s collection an outbox: <see cref="DocumentOutbox{T}"/> publishes a changed
    /// document's events right after its write, and a background sweeper publishes whatever a crash or a broker
    /// outage left behind.
    /// </summary>
    public static IServiceCollection AddOutbox<T>(this IServiceCollection services, Func<IServiceProvider, IDocumentCollection<T>> collection)
        where T : class, IHasOutbox<T>
    {
        services.AddSingleton(sp => new DocumentOutbox<T>(collection(sp), sp.GetRequiredService<OutboxDispatcher>()));
        services.AddHostedService(sp => new OutboxSweeper<T>(
            collection(sp),
            sp.GetRequiredService<OutboxDispatcher>(),
            sp.GetRequiredService<ILogger<OutboxSweeper<T>>>()));
        return services;
    }
}

/// <summary>Publishes the events a stored change of <typeparamref name="T"/> carries; the change is durable either way.</summary>
public sealed class DocumentOutbox<T>(IDocumentCollection<T> collection, OutboxDispatcher dispatcher)
    where T : class, IHasOutbox<T>
{
    public Task<bool> PublishAsync(T document, CancellationToken cancellationToken = default) =>
        dispatcher.TryDispatchAsync(collection, document, cancellationToken);
}
