using System.Globalization;
using System.Security.Claims;
using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Exports;
using HitlLoop.Feedback.Metrics;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HitlLoop.Feedback.Api;

internal static class FeedbackApi
{
    private const int DefaultGoldenLimit = 50;
    private const int MaxGoldenLimit = 500;

    private static ProblemHttpResult NoItem(string responseId) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Item not found",
        detail: $"Feedback has no fully reviewed multi-review item for response '{responseId}'.");

    private static void MapExport(
        RouteGroupBuilder api, string route, string contentType, Func<Stream, IAsyncEnumerable<GoldenExample>, CancellationToken, Task> write) =>
        api.MapGet(route, async Task<Results<EmptyHttpResult, ValidationProblem>> (
            string? productId, string? category, string? label, string? from, string? to,
            HttpContext http, GoldenReader reader, CancellationToken cancellationToken) =>
        {
            var problems = new Dictionary<string, string[]>();
            var query = QueryOf(productId, category, label, from, to, problems);
            if (problems.Count > 0)
            {
                return TypedResults.ValidationProblem(problems);
            }

            http.Response.ContentType = contentType;
            await write(http.Response.Body, reader.ReadAllAsync(query, cancellationToken), cancellationToken);
            return TypedResults.Empty;
        }).RequireAuthorization(HitlPolicies.Datasets);

    /// <summary>The filters of the golden endpoints; from and to are ISO 8601 instants or dates (UTC), to exclusive.</summary>
    private static GoldenQuery QueryOf(string? productId, string? category, string? label, string? from, string? to, Dictionary<string, string[]> problems)
    {
        DateTime? Instant(string? text, string field)
        {
            if (text is null)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return parsed.UtcDateTime;
            }

            problems[field] = [$"{field} must be an ISO 8601 date or instant, e.g. 2026-06-01 or 2026-06-01T12:00:00Z."];
            return null;
        }

        var query = new GoldenQuery(productId, category, label, Instant(from, "from"), Instant(to, "to"));
        if (query is { From: { } start, To: { } end } && end <= start)
        {
            problems["to"] = ["to must come after from."];
        }

        return query;
    }

    public static void MapFeedbackApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/feedback").WithTags("Feedback");

        api.MapGet("/metrics", async (
            string? productId, IFeedbackStore store, LoopFiguresReader figures, IOptions<FeedbackOptions> options, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var recent = now.AddDays(-LoopMetrics.RecentDays);
            var lastWeek = await figures.ReadAsync(productId, now.AddDays(-LoopMetrics.TrendDays), now, cancellationToken);
            var weekBefore = await figures.ReadAsync(productId, now.AddDays(-2 * LoopMetrics.TrendDays), now.AddDays(-LoopMetrics.TrendDays), cancellationToken);
            var minSamples = options.Value.Alerts.MinSamples;
            var trends = LoopMetric.All.ToDictionary(
                m => m.Name,
                m => MetricSeries.TrendOf(m, [.. new[] { weekBefore, lastWeek }.Select(f => f.Readings(minSamples).Single(r => r.Metric == m.Name))]).Trend);

            return TypedResults.Ok(LoopMetrics.Compute(
                productId,
                await store.CountReviewsAsync(productId, cancellationToken),
                await store.ReviewTimeAsync(productId, LoopMetrics.ReviewTimeWindow, cancellationToken),
                AgreementFigures.Of(await store.ReviewedItemsAsync(productId, now.AddDays(-LoopMetrics.AgreementWindowDays), DateTime.MaxValue, AgreementReport.MaxItems, cancellationToken)),
                await store.CountUserFeedbackAsync(productId, cancellationToken),
                lastWeek.SameMistake,
                await store.ReviewRateAsync(productId, recent.Date, DateTime.MaxValue, cancellationToken),
                await store.SecondsToFirstUseAsync(productId, recent, DateTime.MaxValue, LoopFiguresReader.MaxTimedItems, cancellationToken),
                trends));
        }).RequireAuthorization(HitlPolicies.Metrics);

        // Every loop metric per day or week with its target, breach flag and trend: what a dashboard plots.
        api.MapGet("/metrics/series", async Task<Results<Ok<MetricSeries>, ValidationProblem>> (
            string? productId, string? bucket, int? count, LoopFiguresReader figures, IOptions<FeedbackOptions> options, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var size = BucketSize.Day;
            if (bucket is not null && !Enum.TryParse(bucket, ignoreCase: true, out size) || !Enum.IsDefined(size))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bucket"] = ["bucket must be day or week."] });
            }

            if (MetricSeries.Problem(count, size) is { } problem)
            {
                return TypedResults.ValidationProblem(problem);
            }

            return TypedResults.Ok(await MetricSeries.BuildAsync(
                figures, productId, size, count ?? MetricSeries.DefaultCount, options.Value.Alerts.MinSamples, clock.GetUtcNow().UtcDateTime, cancellationToken));
        }).RequireAuthorization(HitlPolicies.Metrics);

        // Should fall as the bot learns: the share of reviews in which the reviewer had to change the answer, per UTC day.
        api.MapGet("/metrics/daily", async Task<Results<Ok<DailyCorrectionRate>, ValidationProblem>> (
            string? productId, int? days, IFeedbackStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (UtcDays.Problem(days) is { } problem)
            {
                return TypedResults.ValidationProblem(problem);
            }

            var series = new List<CorrectionDay>();
            foreach (var day in UtcDays.Ending(clock, days))
            {
                var counts = await store.CountReviewsAsync(productId, day, day.AddDays(1), cancellationToken);
                var responses = (await store.ReviewRateAsync(productId, day, day.AddDays(1), cancellationToken)).Responses;
                var sameMistake = new SameMistakeCounts(await store.CountRepeatedMistakesAsync(productId, day, day.AddDays(1), cancellationToken), responses);
                series.Add(new CorrectionDay(
                    DateOnly.FromDateTime(day),
                    counts.Reviews,
                    counts.Edited,
                    counts.CorrectionsAccepted,
                    counts.Reviews == 0 ? null : (double)counts.Edited / counts.Reviews,
                    sameMistake.Rate));
            }

            return TypedResults.Ok(new DailyCorrectionRate(productId, series));
        }).RequireAuthorization(HitlPolicies.Metrics);

        // How far reviewers of the same items agree: raw agreement, Krippendorff's alpha, Cohen's kappa; per day, reviewer and pair.
        api.MapGet("/agreement", async Task<Results<Ok<AgreementReport>, ValidationProblem>> (
            string? productId, int? days, IFeedbackStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (UtcDays.Problem(days) is { } problem)
            {
                return TypedResults.ValidationProblem(problem);
            }

            var window = UtcDays.Ending(clock, days).ToList();
            var items = await store.ReviewedItemsAsync(productId, window[0], window[^1].AddDays(1), AgreementReport.MaxItems, cancellationToken);
            return TypedResults.Ok(AgreementReport.Build(productId, window, items));
        }).RequireAuthorization(HitlPolicies.Metrics);

        // Items whose blind reviewers disagreed under the consensus rule, oldest first: a lead's work list.
        api.MapGet("/items/disputed", async Task<Results<Ok<IReadOnlyList<ReviewedItem>>, ValidationProblem>> (
            string? productId, int? limit, IFeedbackStore store, CancellationToken cancellationToken) =>
        {
            if (limit is < 1 or > MaxGoldenLimit)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must lie in 1..{MaxGoldenLimit}."] });
            }

            return TypedResults.Ok(await store.DisputedItemsAsync(productId, limit ?? DefaultGoldenLimit, cancellationToken));
        }).RequireAuthorization(HitlPolicies.Lead);

        api.MapGet("/items/{responseId}", async Task<Results<Ok<ReviewedItem>, ProblemHttpResult>> (
            string responseId, IFeedbackStore store, CancellationToken cancellationToken) =>
            await store.FindReviewedItemAsync(responseId, cancellationToken) is { } item ? TypedResults.Ok(item) : NoItem(responseId))
            .RequireAuthorization(HitlPolicies.Lead);

        // A lead decides a disputed item; an edit becomes the golden example. 409 once the item is decided.
        api.MapPost("/items/{responseId}/adjudication", async Task<Results<Ok<ReviewedItem>, ValidationProblem, ProblemHttpResult>> (
            string responseId, AdjudicationRequest request, ClaimsPrincipal user, Adjudicator adjudicator, CancellationToken cancellationToken) =>
        {
            var result = await adjudicator.DecideAsync(responseId, user.UserName(), request, cancellationToken);
            return result switch
            {
                { Problems: { } problems } => TypedResults.ValidationProblem(problems),
                { Missing: true } => NoItem(responseId),
                { Conflict: true } => TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Item not disputed",
                    detail: $"Item '{responseId}' is {result.Item!.Status.ToString().ToLowerInvariant()}: only a disputed item is adjudicated, once."),
                _ => TypedResults.Ok(result.Item!),
            };
        }).RequireAuthorization(HitlPolicies.Lead);

        // Golden data for leads and the ML team, newest first, a page at a time: pass "next" back as "after".
        api.MapGet("/golden", async Task<Results<Ok<GoldenPage>, ValidationProblem>> (
            string? productId, string? category, string? label, string? from, string? to, int? limit, string? after,
            GoldenReader reader, CancellationToken cancellationToken) =>
        {
            var problems = new Dictionary<string, string[]>();
            if (limit is < 1 or > MaxGoldenLimit)
            {
                problems["limit"] = [$"limit must lie in 1..{MaxGoldenLimit}."];
            }

            var cursor = after is null ? null : GoldenCursor.TryDecode(after);
            if (after is not null && cursor is null)
            {
                problems["after"] = ["after must be the \"next\" of an earlier page."];
            }

            var query = QueryOf(productId, category, label, from, to, problems);
            return problems.Count > 0
                ? TypedResults.ValidationProblem(problems)
                : TypedResults.Ok(await reader.PageAsync(query, cursor, limit ?? DefaultGoldenLimit, cancellationToken));
        }).RequireAuthorization(HitlPolicies.Datasets);

        // Exports for fine-tuning and analysis, streamed: memory stays flat however many examples match.
        MapExport(api, "/exports/sft.jsonl", GoldenExports.JsonLines, GoldenExports.WriteSftAsync);
        MapExport(api, "/exports/dpo.jsonl", GoldenExports.JsonLines, GoldenExports.WriteDpoAsync);
        MapExport(api, "/exports/golden.csv", GoldenExports.Csv, GoldenExports.WriteCsvAsync);

        api.MapGet("/reviews/{reviewId}", async Task<Results<Ok<ReviewRecord>, ProblemHttpResult>> (
            string reviewId, IFeedbackStore store, CancellationToken cancellationToken) =>
            await store.FindReviewAsync(reviewId, cancellationToken) is { } review
                ? TypedResults.Ok(review)
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Review not found",
                    detail: $"Feedback has no completed review '{reviewId}'."))
            .RequireAuthorization(HitlPolicies.Lead);
    }
}

public sealed record DailyCorrectionRate(string? ProductId, IReadOnlyList<CorrectionDay> Days);

/// <summary>
/// One UTC day of reviews; the correction rate is null on a day without reviews. The same-mistake rate is the day's
/// repeated mistakes among the responses Router counted that day; null on a day without responses.
/// </summary>
public sealed record CorrectionDay(DateOnly Date, long Reviews, long Edited, long CorrectionsAccepted, double? CorrectionRate, double? SameMistakeRate);
