using HitlLoop.Feedback.Metrics;
using HitlLoop.Feedback.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HitlLoop.Feedback.Api;

internal static class FeedbackApi
{
    private const int DefaultGoldenLimit = 50;
    private const int MaxGoldenLimit = 500;

    public static void MapFeedbackApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/feedback").WithTags("Feedback");

        api.MapGet("/metrics", async (string? productId, IFeedbackStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok(LoopMetrics.Compute(
                productId,
                await store.CountReviewsAsync(productId, cancellationToken),
                await store.ReviewTimeAsync(productId, LoopMetrics.ReviewTimeWindow, cancellationToken),
                await store.ReviewersAsync(cancellationToken),
                await store.CountUserFeedbackAsync(productId, cancellationToken))));

        api.MapGet("/golden", async Task<Results<Ok<IReadOnlyList<GoldenExample>>, ValidationProblem>> (
            string? productId, int? limit, IFeedbackStore store, CancellationToken cancellationToken) =>
        {
            if (limit is < 1 or > MaxGoldenLimit)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["limit"] = [$"limit must lie in 1..{MaxGoldenLimit}."],
                });
            }

            return TypedResults.Ok(await store.LatestGoldenExamplesAsync(productId, limit ?? DefaultGoldenLimit, cancellationToken));
        });

        api.MapGet("/reviews/{reviewId}", async Task<Results<Ok<ReviewRecord>, ProblemHttpResult>> (
            string reviewId, IFeedbackStore store, CancellationToken cancellationToken) =>
            await store.FindReviewAsync(reviewId, cancellationToken) is { } review
                ? TypedResults.Ok(review)
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status404NotFound,
                    title: "Review not found",
                    detail: $"Feedback has no completed review '{reviewId}'."));
    }
}
