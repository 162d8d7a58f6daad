using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace HitlLoop.ServiceDefaults.Storage;

/// <summary>A store that prepares its collections (indexes) when the host starts, not in its constructor.</summary>
public interface IStoreSetup
{
    Task SetUpAsync(CancellationToken cancellationToken);
}

public static class StoreRegistration
{
    /// <summary>Registers a storage port and its implementation as one singleton, set up at start-up.</summary>
    public static IServiceCollection AddStore<TPort, TStore>(this IServiceCollection services)
        where TPort : class
        where TStore : class, TPort, IStoreSetup
    {
        services.TryAddSingleton<TStore>();
        services.AddSingleton<TPort>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStoreSetup>(sp => sp.GetRequiredService<TStore>());
        return services;
    }
}

/// <summary>
/// Sets every store up before the bus starts consuming (it is registered ahead of the bus), so consumers
/// never meet a collection without its indexes.
/// </summary>
internal sealed class StoreSetupRunner(IEnumerable<IStoreSetup> stores) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var store in stores)
        {
            await store.SetUpAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
