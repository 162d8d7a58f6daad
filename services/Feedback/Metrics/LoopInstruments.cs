using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HitlLoop.Feedback.Metrics;

/// <summary>
/// The loop's metrics as OpenTelemetry gauges (<c>hitl.loop.&lt;metric&gt;</c>, tagged with the product, or "all"),
/// reporting what the last alert evaluation measured, so any OTLP backend can chart and alert on them.
/// </summary>
public sealed class LoopInstruments : IDisposable
{
    public const string MeterName = "HitlLoop.Feedback";
    public const string AllProducts = "all";

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<string, IReadOnlyList<MetricReading>> _latest = new(StringComparer.Ordinal);

    public LoopInstruments()
    {
        foreach (var metric in LoopMetric.All)
        {
            var name = metric.Name;
            _meter.CreateObservableGauge(metric.Instrument, () => Observe(name), metric.Unit, metric.Description);
        }
    }

    /// <summary>This instance's gauges (a listener tells them from another host's in the same process by it).</summary>
    public Meter Meter => _meter;

    /// <summary>The latest readings of a product (null for all products together).</summary>
    public void Update(string? productId, IReadOnlyList<MetricReading> readings) => _latest[productId ?? AllProducts] = readings;

    private IEnumerable<Measurement<double>> Observe(string metric)
    {
        foreach (var (product, readings) in _latest)
        {
            if (readings.FirstOrDefault(r => r.Metric == metric) is { Value: { } value })
            {
                yield return new Measurement<double>(value, new TagList { { "product", product } });
            }
        }
    }

    public void Dispose() => _meter.Dispose();
}
