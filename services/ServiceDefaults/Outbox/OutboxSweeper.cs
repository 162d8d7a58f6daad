using System.Linq.Expressions;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HitlLoop.ServiceDefaults.Outbox;

/// <summary>
/// Finds documents whose events were written but not yet published (the process died in between, or the
/// broker was down) and publishes them: at start-up, then every few seconds.
/// </summary>
public sealed class OutboxSweeper<T>(IDocumentCollection<T> collection, OutboxDispatcher dispatcher, ILogger<OutboxSweeper<T>> logger)
    : BackgroundService
    where T : class, IHasOutbox<T>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // Built against the concrete type so both stores' LINQ providers see a plain property of T.
    private static readonly Expression<Func<T, bool>> IsPending = PropertyLambda<bool>(nameof(IHasOutbox<T>.OutboxPending));
    private static readonly Expression<Func<T, string>> ById = PropertyLambda<string>(nameof(IDocument.Id));

    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken = default)
    {
        var pending = await collection.FindAsync(IsPending, ById, limit: 100, cancellationToken: cancellationToken);
        foreach (var document in pending)
        {
            await dispatcher.DispatchAsync(collection, document, cancellationToken);
        }

        return pending.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Outbox sweep of {Document} failed; retrying in {Interval}", typeof(T).Name, Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static Expression<Func<T, TValue>> PropertyLambda<TValue>(string name)
    {
        var document = Expression.Parameter(typeof(T), "d");
        return Expression.Lambda<Func<T, TValue>>(Expression.Property(document, typeof(T).GetProperty(name)!), document);
    }
}
