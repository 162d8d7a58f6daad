using System.Collections.Concurrent;
using HitlLoop.Contracts;
using HitlLoop.Router.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HitlLoop.Router.Stats;

/// <summary>
/// Publishes each product's review rate of the day (<see cref="ReviewRateMeasured"/>) so that Feedback measures the
/// loop without reading the Router's database. Decisions mark their product and day; every interval the marked days
/// are counted from the stored decisions, so each figure is exact and replaces the last. A day whose figure could not
/// be published stays marked for the next round. After a restart a product's day is reported again from its next
/// decision, the count then taking in everything stored before.
/// </summary>
public sealed class ReviewRateReporter(IDecisionStore decisions, IBus bus, TimeProvider clock, IOptions<RouterOptions> options, ILogger<ReviewRateReporter> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<(string ProductId, DateOnly Day), byte> _marked = new();

    /// <summary>Notes that the product had a decision on the UTC day of <paramref name="decidedAt"/>.</summary>
    public void Saw(string productId, DateTime decidedAt)
    {
        var key = (productId, DateOnly.FromDateTime(decidedAt));
        if (!_marked.ContainsKey(key))
        {
            _marked.TryAdd(key, 0);
        }
    }

    /// <summary>Counts and publishes every marked product day; returns how many were published.</summary>
    public async Task<int> ReportOnceAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        foreach (var key in _marked.Keys)
        {
            _marked.TryRemove(key, out _);
            try
            {
                var from = key.Day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                var stats = await decisions.StatsAsync(key.ProductId, from, from.AddDays(1), cancellationToken);
                await bus.Publish(
                    new ReviewRateMeasured
                    {
                        ProductId = key.ProductId,
                        Day = key.Day,
                        Responses = stats.Total,
                        ReviewRequested = stats.ReviewRequested,
                        Audits = stats.Audits,
                        BudgetSkipped = stats.BudgetSkipped,
                        ReviewRate = stats.ReviewRate,
                        MeasuredAt = clock.GetUtcNow(),
                    },
                    cancellationToken);
                published++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Saw(key.ProductId, key.Day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
                logger.LogWarning(e, "Review rate of {ProductId} on {Day} not published; the next round tries again", key.ProductId, key.Day);
            }
        }

        return published;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReviewRateInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await ReportOnceAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // What the last interval marked goes out before the process ends, if the broker lets it.
        try
        {
            await ReportOnceAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
