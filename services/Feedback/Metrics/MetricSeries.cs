namespace HitlLoop.Feedback.Metrics;

/// <summary>How a series cuts time: UTC days, or weeks from Monday 00:00 UTC.</summary>
public enum BucketSize
{
    Day,
    Week,
}

/// <summary>One period of a series, [<see cref="Start"/>, <see cref="End"/>); the last one is still running.</summary>
public sealed record MetricBucket(DateOnly Start, DateOnly End, IReadOnlyList<MetricReading> Metrics);

/// <summary>How a metric moved between the last two periods in which it was measured.</summary>
public sealed record MetricTrend(string Metric, string Trend, double? Latest, double? Previous, bool Breached);

/// <summary>Every loop metric per day or week, oldest first, with each metric's trend and whether its latest period breaches.</summary>
public sealed record MetricSeries(string? ProductId, BucketSize Bucket, IReadOnlyList<MetricBucket> Buckets, IReadOnlyList<MetricTrend> Trends)
{
    public const int MaxDays = 90;
    public const int MaxWeeks = 26;
    public const int DefaultCount = 8;

    public static Dictionary<string, string[]>? Problem(int? count, BucketSize bucket)
    {
        var max = bucket == BucketSize.Day ? MaxDays : MaxWeeks;
        return count is < 1 || count > max ? new() { ["count"] = [$"count must lie in 1..{max} for {bucket.ToString().ToLowerInvariant()} buckets."] } : null;
    }

    /// <summary>The periods' bounds, oldest first, the last one holding <paramref name="now"/>.</summary>
    public static IEnumerable<(DateTime Start, DateTime End)> Periods(DateTime now, BucketSize bucket, int count)
    {
        var today = now.Date;
        var length = bucket == BucketSize.Day ? 1 : 7;
        var current = bucket == BucketSize.Day ? today : today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        for (var start = current.AddDays(-length * (count - 1)); start <= current; start = start.AddDays(length))
        {
            yield return (start, start.AddDays(length));
        }
    }

    public static async Task<MetricSeries> BuildAsync(
        LoopFiguresReader reader, string? productId, BucketSize bucket, int count, int minSamples, DateTime now, CancellationToken cancellationToken)
    {
        var buckets = new List<MetricBucket>();
        var periods = Periods(now, bucket, count).ToList();

        // The reviews before the first period are counted once; each period adds its own.
        var reviewsBefore = await reader.ReviewsBeforeAsync(productId, periods[0].Start, cancellationToken);
        foreach (var (start, end) in periods)
        {
            var figures = await reader.ReadAsync(productId, start, end, cancellationToken, reviewsBefore);
            reviewsBefore = figures.LifetimeReviews;
            buckets.Add(new MetricBucket(DateOnly.FromDateTime(start), DateOnly.FromDateTime(end), figures.Readings(minSamples)));
        }

        return new MetricSeries(productId, bucket, buckets, [.. LoopMetric.All.Select(m => TrendOf(m, buckets.Select(b => b.Metrics.Single(r => r.Metric == m.Name))))]);
    }

    /// <summary>The metric's trend between the last two of <paramref name="readings"/> (oldest first) that hold a value.</summary>
    public static MetricTrend TrendOf(LoopMetric metric, IEnumerable<MetricReading> readings)
    {
        var measured = readings.Where(r => r.Value is not null).TakeLast(2).ToList();
        var breached = measured.Count > 0 && measured[^1].Breached;
        return measured.Count < 2
            ? new MetricTrend(metric.Name, Metrics.Trends.Unknown, measured.LastOrDefault()?.Value, null, breached)
            : new MetricTrend(metric.Name, metric.TrendOf(measured[0].Value!.Value, measured[1].Value!.Value), measured[1].Value, measured[0].Value, breached);
    }
}
