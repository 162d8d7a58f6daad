using System.Collections.Concurrent;
using System.Globalization;
using HitlLoop.Contracts;
using HitlLoop.Router.Novelty;
using HitlLoop.Router.Policy;
using HitlLoop.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.Router.Signals;

/// <summary>A product's reviews in one UTC hour or day, against its budget for that period.</summary>
public sealed record ReviewBudgetWindow : IDocument
{
    public required string Id { get; init; }
    public long Version { get; init; }
    public required string ProductId { get; init; }

    /// <summary>"hour" or "day".</summary>
    public required string Period { get; init; }

    public DateTime Start { get; init; }
    public DateTime End { get; init; }

    /// <summary>The budget as it stood at the latest review counted.</summary>
    public int Limit { get; init; }

    /// <summary>Reviews asked for in the window, urgent and high ones included.</summary>
    public int Spent { get; init; }

    /// <summary>Medium and low items auto-approved because the budget did not reach them.</summary>
    public int Skipped { get; init; }
}

/// <summary>What the budget did with an item bound for review: <see cref="Detail"/> says why.</summary>
public sealed record BudgetVerdict(bool Admitted, string Detail);

/// <summary>
/// Spends each product's review budget (see <see cref="ReviewBudgetOptions"/>). The spend is counted in the store with
/// a conditional increment, so replicas share one budget and never overspend it together; which topics a window has
/// reviewed is each replica's own memory, a preference rather than a limit.
/// </summary>
public sealed class ReviewBudgets : IStoreSetup
{
    private const string Hour = "hour";
    private const string Day = "day";

    private readonly IDocumentCollection<ReviewBudgetWindow> _windows;
    private readonly ReviewBudgetOptions _options;
    private readonly double _joinSimilarity;

    /// <summary>The windows this replica has made sure exist, by id, with the topics reviewed in each.</summary>
    private readonly ConcurrentDictionary<string, Reviewed> _open = new(StringComparer.Ordinal);

    public ReviewBudgets(IDocumentStoreFactory stores, IOptions<RouterOptions> options)
    {
        _windows = stores.ForService(RouterService.ServiceName).GetCollection<ReviewBudgetWindow>("review-budgets");
        _options = options.Value.Budget;
        _joinSimilarity = options.Value.Novelty.JoinSimilarity;
    }

    public Task SetUpAsync(CancellationToken cancellationToken) =>
        _windows.EnsureIndexAsync(w => w.ProductId, cancellationToken: cancellationToken);

    /// <summary>Whether the product has a budget at all.</summary>
    public static bool Limits(ProductPolicyOptions? product) => product?.ReviewBudgetPerHour is not null || product?.ReviewBudgetPerDay is not null;

    /// <summary>
    /// The topic an item belongs to for the budget's diversity: its query's cluster when it joins one, its kind when
    /// there is no query to compare; null for a query that opens a new cluster, which no review has covered.
    /// </summary>
    public string? TopicOf(NoveltyAssessment? assessed, string? category) => assessed switch
    {
        { Terms.Count: > 0, Nearest: { } slot } when assessed.Similarity >= _joinSimilarity => TopicOf(slot),
        { Terms.Count: > 0 } => null,
        _ => "kind " + ResponseKind.CategoryOf(category),
    };

    /// <summary>The topic of the query cluster in <paramref name="slot"/>.</summary>
    public static string TopicOf(int slot) => "topic " + slot.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Marks a topic as reviewed in the product's current window: a query reviewed as new opened the cluster in
    /// <paramref name="slot"/>, so the next alike one is no longer new.
    /// </summary>
    public void Cover(string productId, ProductPolicyOptions? product, int slot, DateTime now)
    {
        if (WindowsOf(productId, product, now) is [var first, ..])
        {
            Cover(first, TopicOf(slot));
        }
    }

    /// <summary>
    /// Counts a review against the product's budget, or turns it away: urgent and high always count; medium and low
    /// only while the budget (and, past its selective share, the item's topic or value) allows. Null when the product
    /// has no budget.
    /// </summary>
    public async Task<BudgetVerdict?> AdmitAsync(
        string productId, ProductPolicyOptions? product, RoutingDecision decision, string? topic, DateTime now, CancellationToken cancellationToken)
    {
        var windows = WindowsOf(productId, product, now);
        if (windows.Count == 0)
        {
            return null;
        }

        foreach (var window in windows)
        {
            await OpenAsync(window, now, cancellationToken);
        }

        var first = windows[0];
        if (decision.Priority >= ReviewPriority.High)
        {
            foreach (var window in windows)
            {
                await SpendAsync(window, int.MaxValue, cancellationToken);
            }

            Cover(first, topic);
            return new BudgetVerdict(true, $"{decision.Priority.ToString().ToLowerInvariant()} priority: reviewed whatever the budget");
        }

        var covered = topic is not null && _open.TryGetValue(first.Id, out var reviewed) && reviewed.Has(topic);
        var valuable = decision.LearningValue > _options.HighValue;
        for (var i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            var cap = valuable || !covered ? window.Limit : (int)Math.Floor(window.Limit * _options.SelectiveFrom);
            if (await SpendAsync(window, cap, cancellationToken))
            {
                continue;
            }

            foreach (var spent in windows.Take(i))
            {
                await _windows.FindOneAndUpdateAsync(w => w.Id == spent.Id, w => w.Id, new DocumentUpdate<ReviewBudgetWindow>().Increment(w => w.Spent, -1), cancellationToken: cancellationToken);
            }

            var counted = await _windows.FindOneAndUpdateAsync(
                w => w.Id == window.Id, w => w.Id, new DocumentUpdate<ReviewBudgetWindow>().Increment(w => w.Skipped, 1), cancellationToken: cancellationToken);
            return new BudgetVerdict(false, Skipped(window, counted?.Spent ?? cap, cap, decision.LearningValue));
        }

        Cover(first, topic);
        return new BudgetVerdict(
            true,
            covered ? $"learning value {F(decision.LearningValue)} > {F(_options.HighValue)}" : topic is null ? "a new topic" : "a topic not yet reviewed in the window");
    }

    /// <summary>The product's budget windows as they stand now (hour first), for the policy API.</summary>
    public async Task<IReadOnlyList<ReviewBudgetWindow>> CurrentAsync(string productId, ProductPolicyOptions? product, DateTime now, CancellationToken cancellationToken)
    {
        var current = new List<ReviewBudgetWindow>();
        foreach (var window in WindowsOf(productId, product, now))
        {
            current.Add(await _windows.FindByIdAsync(window.Id, cancellationToken) ?? window.Document(spent: 0));
        }

        return current;
    }

    private string Skipped(Window window, int spent, int cap, double value)
    {
        var adjective = window.Period == Hour ? "hourly" : "daily";
        if (cap >= window.Limit || spent >= window.Limit)
        {
            return $"the {adjective} review budget of {window.Limit} is spent; medium and low items are auto-approved until {window.End:yyyy-MM-dd HH:mm} UTC";
        }

        return $"{spent} of the {adjective} review budget of {window.Limit} is spent: past {_options.SelectiveFrom.ToString("0%", CultureInfo.InvariantCulture)} "
            + $"only a topic not yet reviewed this {window.Period} or a learning value over {F(_options.HighValue)} is reviewed, "
            + $"and this topic was, with learning value {F(value)}";
    }

    private async Task<bool> SpendAsync(Window window, int cap, CancellationToken cancellationToken) =>
        await _windows.FindOneAndUpdateAsync(
            w => w.Id == window.Id && w.Spent < cap,
            w => w.Id,
            new DocumentUpdate<ReviewBudgetWindow>().Increment(w => w.Spent, 1).Set(w => w.Limit, window.Limit),
            cancellationToken: cancellationToken) is not null;

    private async Task OpenAsync(Window window, DateTime now, CancellationToken cancellationToken)
    {
        if (_open.ContainsKey(window.Id))
        {
            return;
        }

        await _windows.TryInsertAsync(window.Document(spent: 0), cancellationToken);
        _open.TryAdd(window.Id, new Reviewed(window.End));
        foreach (var (id, ended) in _open)
        {
            if (ended.End <= now)
            {
                _open.TryRemove(id, out _);
            }
        }
    }

    private void Cover(Window window, string? topic)
    {
        if (topic is not null && _open.TryGetValue(window.Id, out var reviewed))
        {
            reviewed.Add(topic);
        }
    }

    private static List<Window> WindowsOf(string productId, ProductPolicyOptions? product, DateTime now)
    {
        var windows = new List<Window>(2);
        if (product?.ReviewBudgetPerHour is { } hourly)
        {
            var start = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
            windows.Add(new Window(productId, Hour, start, start.AddHours(1), hourly));
        }

        if (product?.ReviewBudgetPerDay is { } daily)
        {
            var start = new DateTime(now.Year, now.Month, now.Day, 0, 0, 0, DateTimeKind.Utc);
            windows.Add(new Window(productId, Day, start, start.AddDays(1), daily));
        }

        return windows;
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private sealed record Window(string ProductId, string Period, DateTime Start, DateTime End, int Limit)
    {
        public string Id { get; } = $"{ProductId}\n{Period}\n{Start:yyyy-MM-ddTHH}";

        public ReviewBudgetWindow Document(int spent) =>
            new() { Id = Id, ProductId = ProductId, Period = Period, Start = Start, End = End, Limit = Limit, Spent = spent };
    }

    /// <summary>The topics reviewed in one window: at most one entry per topic, dropped when the window ends.</summary>
    private sealed class Reviewed(DateTime end)
    {
        private readonly HashSet<string> _topics = new(StringComparer.Ordinal);

        public DateTime End { get; } = end;

        public bool Has(string topic)
        {
            lock (_topics)
            {
                return _topics.Contains(topic);
            }
        }

        public void Add(string topic)
        {
            lock (_topics)
            {
                _topics.Add(topic);
            }
        }
    }
}
