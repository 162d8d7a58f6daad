using System.ComponentModel.DataAnnotations;

namespace HitlLoop.ServiceDefaults;

/// <summary>
/// Hitl:SimulatedClock: simulated time for a process that takes part in a simulation of weeks played in hours (the
/// flywheel's five-process mode). At the real instant <see cref="Origin"/> the clock reads <see cref="Start"/>, and it
/// runs <see cref="Speed"/> times as fast as real time: processes given the same three values read the same time, and
/// every timer of theirs fires as much sooner. Absent, the process runs on real time, as it must in production.
/// </summary>
public sealed class SimulatedClockOptions : IValidatableObject
{
    public DateTimeOffset? Start { get; set; }
    public DateTimeOffset? Origin { get; set; }

    [Range(1.0, 1_000_000.0)]
    public double Speed { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Start is null)
        {
            yield return new ValidationResult("is required: the simulated instant the clock starts from.", [nameof(Start)]);
        }

        if (Origin is null)
        {
            yield return new ValidationResult("is required: the real instant at which the clock reads Start.", [nameof(Origin)]);
        }
    }
}

/// <summary>
/// A clock that reads <c>start + (real now - origin) × speed</c>, with timers and timestamps scaled alike, so delays,
/// periodic timers and measured durations all follow the simulated time.
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    /// <summary>A positive span never shrinks below this: a timer period of zero would mean "never again".</summary>
    private static readonly TimeSpan ShortestRealSpan = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _real;
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset _origin;
    private readonly double _speed;

    public ScaledTimeProvider(DateTimeOffset start, DateTimeOffset origin, double speed, TimeProvider? real = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(speed, 1.0);
        _real = real ?? System;
        _start = start;
        _origin = origin;
        _speed = speed;
    }

    public static ScaledTimeProvider From(SimulatedClockOptions options) =>
        new(options.Start ?? throw new InvalidOperationException("Hitl:SimulatedClock:Start is required."),
            options.Origin ?? throw new InvalidOperationException("Hitl:SimulatedClock:Origin is required."),
            options.Speed);

    public override DateTimeOffset GetUtcNow() => _start + ((_real.GetUtcNow() - _origin) * _speed);

    public override long GetTimestamp() => _real.GetTimestamp();

    // Fewer ticks to the second: the real timestamps' differences read as that many times longer.
    public override long TimestampFrequency => Math.Max(1, (long)(_real.TimestampFrequency / _speed));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(_real.CreateTimer(callback, state, Real(dueTime), Real(period)), this);

    /// <summary>The real span that lasts <paramref name="simulated"/> on this clock.</summary>
    public TimeSpan Real(TimeSpan simulated) =>
        simulated == Timeout.InfiniteTimeSpan || simulated <= TimeSpan.Zero
            ? simulated
            : TimeSpan.FromTicks(Math.Max((long)(simulated.Ticks / _speed), ShortestRealSpan.Ticks));

    private sealed class ScaledTimer(ITimer inner, ScaledTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.Real(dueTime), clock.Real(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
