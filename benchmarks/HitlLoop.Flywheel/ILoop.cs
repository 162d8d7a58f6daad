namespace HitlLoop.Flywheel;

/// <summary>
/// The five services as the simulation plays against them: their HTTP APIs, their bus for the events a product and an
/// ML team publish, and the simulated clock they all follow.
/// </summary>
public interface ILoop : IAsyncDisposable
{
    TimeProvider Clock { get; }

    /// <summary>An HTTP client that reaches every service's API with the given API key.</summary>
    HttpClient Client(string key);

    Task PublishAsync<T>(T message)
        where T : class;

    /// <summary>Moves simulated time on by <paramref name="span"/>, in steps no longer than <paramref name="step"/>.</summary>
    Task AdvanceAsync(TimeSpan span, TimeSpan step);

    /// <summary>Lets <paramref name="span"/> pass while a reviewer reads an answer.</summary>
    Task PassAsync(TimeSpan span);

    /// <summary>Lets the work that requests and events set going reach every service before the simulation goes on.</summary>
    Task SettledAsync();
}

/// <summary>
/// Where the simulation runs the services: in its own process (the default), or as five processes over RabbitMQ, each
/// variant on a virtual host of its own that <c>rabbitmqctl</c> adds (unless <see cref="VirtualHostGiven"/>: the
/// broker address names one already).
/// </summary>
public sealed record LoopMode(Uri? RabbitMq = null, double Speed = LoopMode.DefaultSpeed, bool VirtualHostGiven = false)
{
    /// <summary>Five processes cannot share a clock the simulation moves: theirs runs this many times as fast as real time.</summary>
    public const double DefaultSpeed = 2880;

    public static LoopMode Embedded { get; } = new();

    public Task<ILoop> StartAsync(DateTimeOffset start, int reviewers, IReadOnlyDictionary<string, string> settings, string name) =>
        RabbitMq is { } broker
            ? ProcessLoop.StartAsync(start, reviewers, settings, broker, Speed, VirtualHostGiven ? null : name)
            : LoopHost.StartAsync(start, reviewers, settings);
}
