using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.Feedback.Metrics;

/// <summary>
/// Every <see cref="AlertOptions.Interval"/>, measures each metric over the last <see cref="AlertOptions.WindowDays"/>
/// days for all products together and for each product Router reported in the window, updates the OpenTelemetry
/// gauges, and publishes <see cref="AlertRaised"/> when a metric crosses its target either way. Several replicas may
/// evaluate at once: the crossing is a versioned write of the metric's <see cref="AlertStatus"/>, which one wins.
/// </summary>
public sealed class LoopAlerts(
    LoopFiguresReader reader,
    IFeedbackStore store,
    DocumentOutbox<AlertStatus> outbox,
    LoopInstruments instruments,
    TimeProvider clock,
    IOptions<FeedbackOptions> options,
    ILogger<LoopAlerts> logger) : BackgroundService
{
    private AlertOptions Options => options.Value.Alerts;

    /// <summary>Evaluates once; returns the alerts this evaluation raised.</summary>
    public async Task<IReadOnlyList<AlertRaised>> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var from = now.AddDays(-Options.WindowDays);
        var overall = await reader.ReadAsync(null, from, now, cancellationToken);
        var raised = new List<AlertRaised>();
        await ScopeAsync(null, overall);
        foreach (var productId in overall.ReviewRate.Products)
        {
            await ScopeAsync(productId, await reader.ReadAsync(productId, from, now, cancellationToken));
        }

        return raised;

        async Task ScopeAsync(string? productId, WindowFigures figures)
        {
            var readings = figures.Readings(Options.MinSamples);
            instruments.Update(productId, readings);
            foreach (var reading in readings)
            {
                if (await CrossedAsync(productId, reading, figures, now, cancellationToken) is { } alert)
                {
                    raised.Add(alert);
                }
            }
        }
    }

    /// <summary>Records a crossing of the target, if this reading makes one, and publishes its alert.</summary>
    private async Task<AlertRaised?> CrossedAsync(string? productId, MetricReading reading, WindowFigures figures, DateTime now, CancellationToken cancellationToken)
    {
        // Too few items to tell, or nothing measured: the standing state holds.
        if (reading is not { Value: { } value, MeetsTarget: { } meets } || reading.Samples < Options.MinSamples)
        {
            return null;
        }

        var breached = !meets;
        AlertRaised? alert = null;
        var seed = new AlertStatus { Id = AlertStatus.IdOf(reading.Metric, productId), Metric = reading.Metric, ProductId = productId };
        var status = await store.Alerts.UpsertAsync(
            seed,
            stored =>
            {
                // Retried when another replica wrote first: only the attempt that records the crossing raises it.
                alert = null;
                if (stored.Breached == breached)
                {
                    return null;
                }

                alert = new AlertRaised
                {
                    AlertId = $"{productId ?? LoopInstruments.AllProducts}/{reading.Metric}/{now:yyyy-MM-ddTHH:mm:ss.fffZ}",
                    Metric = reading.Metric,
                    ProductId = productId,
                    State = breached ? AlertState.Breached : AlertState.Recovered,
                    Value = value,
                    Target = reading.Target,
                    Limit = reading.Limit,
                    Samples = reading.Samples,
                    WindowDays = Options.WindowDays,
                    WindowStart = figures.From,
                    WindowEnd = figures.To,
                    RaisedAt = now,
                };
                return stored with
                {
                    Breached = breached,
                    Value = value,
                    Samples = reading.Samples,
                    ChangedAt = now,
                    Version = stored.Version + 1,
                    Outbox = [.. stored.Outbox, Outbox.Message(alert, clock)],
                    OutboxPending = true,
                };
            },
            cancellationToken);

        if (alert is null)
        {
            return null;
        }

        logger.LogWarning(
            "Loop metric {Metric} of {ProductId} {State}: {Value} against {Target} over {WindowDays} days",
            alert.Metric, productId ?? LoopInstruments.AllProducts, alert.State, value, alert.Target, Options.WindowDays);
        await outbox.PublishAsync(status, cancellationToken);
        return alert;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Options.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Options.Interval, clock);
        do
        {
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Loop metrics not evaluated; the next round tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
