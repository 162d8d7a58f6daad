namespace HitlLoop.ServiceDefaults;

/// <summary>The "?days=" of the per-day trend endpoints: which UTC days, oldest first, ending today.</summary>
public static class UtcDays
{
    public const int Default = 14;
    public const int Max = 90;

    /// <summary>The validation problem for a days count outside 1..<see cref="Max"/>, or null when it is fine.</summary>
    public static Dictionary<string, string[]>? Problem(int? days) =>
        days is < 1 or > Max ? new() { ["days"] = [$"days must lie in 1..{Max}."] } : null;

    /// <summary>The start (midnight UTC) of each of the last <paramref name="days"/> days, today included.</summary>
    public static IEnumerable<DateTime> Ending(TimeProvider clock, int? days)
    {
        var today = clock.GetUtcNow().UtcDateTime.Date;
        for (var day = today.AddDays(1 - (days ?? Default)); day <= today; day = day.AddDays(1))
        {
            yield return day;
        }
    }
}
