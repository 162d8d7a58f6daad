using System.Security.Claims;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Reviewers;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HitlLoop.ReviewQueue.Api;

internal static class ReviewQueueApi
{
    private const int MaxPage = 500;

    public static void MapReviewQueueApi(this IEndpointRouteBuilder endpoints)
    {
        var reviews = endpoints.MapGroup("/api/reviews").WithTags("Reviews").RequireAuthorization(HitlPolicies.Review);

        reviews.MapGet("/", async Task<Results<Ok<IReadOnlyList<ReviewItemView>>, ValidationProblem>> (
            string? status, string? productId, int? limit, IReviewItemStore items, CancellationToken cancellationToken) =>
        {
            ReviewStatus? parsed = null;
            if (status is not null)
            {
                if (!Enum.TryParse<ReviewStatus>(status, ignoreCase: true, out var value))
                {
                    return Invalid("status", "status must be pending, claimed or completed.");
                }

                parsed = value;
            }

            if (limit is < 1 or > MaxPage)
            {
                return Invalid("limit", $"limit must lie in 1..{MaxPage}.");
            }

            var found = await items.ListAsync(parsed, productId, limit ?? 50, cancellationToken);
            return TypedResults.Ok<IReadOnlyList<ReviewItemView>>([.. found.Select(ReviewItemView.Of)]);
        });

        reviews.MapGet("/{id}", async Task<Results<Ok<ReviewItemView>, ProblemHttpResult>> (
            string id, IReviewItemStore items, CancellationToken cancellationToken) =>
            await items.FindAsync(id, cancellationToken) is { } item
                ? TypedResults.Ok(ReviewItemView.Of(item))
                : NotFound(id));

        reviews.MapPost("/claim", async Task<Results<Ok<ReviewItemView>, NoContent>> (
            ClaimsPrincipal user, ReviewDesk desk, CancellationToken cancellationToken) =>
            await desk.ClaimNextAsync(user.ReviewerId(), cancellationToken) is { } item
                ? TypedResults.Ok(ReviewItemView.Of(item))
                : TypedResults.NoContent());

        reviews.MapPost("/{id}/claim", async Task<Results<Ok<ReviewItemView>, ProblemHttpResult>> (
            string id, ClaimsPrincipal user, ReviewDesk desk, CancellationToken cancellationToken) =>
            Answer(id, await desk.ClaimAsync(id, user.ReviewerId(), cancellationToken)));

        reviews.MapPost("/{id}/release", async Task<Results<Ok<ReviewItemView>, ProblemHttpResult>> (
            string id, ClaimsPrincipal user, ReviewDesk desk, CancellationToken cancellationToken) =>
            Answer(id, await desk.ReleaseAsync(id, user.ReviewerId(), cancellationToken)));

        reviews.MapPost("/{id}/submit", async Task<Results<Ok<ReviewItemView>, ProblemHttpResult>> (
            string id, ReviewSubmission submission, ClaimsPrincipal user, ReviewDesk desk, CancellationToken cancellationToken) =>
        {
            var errors = submission.Validate();
            if (errors.Count > 0)
            {
                return TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest });
            }

            return Answer(id, await desk.SubmitAsync(id, user.ReviewerId(), submission, cancellationToken));
        });

        endpoints.MapGet("/api/reviewers/me", (ClaimsPrincipal user) => TypedResults.Ok(new ReviewerProfile(user.ReviewerId(), user.UserName(), user.Roles())))
            .RequireAuthorization(HitlPolicies.Review).WithTags("Reviewers");

        endpoints.MapGet("/api/queue/stats", async (IReviewItemStore items, TimeProvider clock, CancellationToken cancellationToken) => TypedResults.Ok(new
        {
            pending = await items.CountAsync(ReviewStatus.Pending, cancellationToken),
            claimed = await items.CountAsync(ReviewStatus.Claimed, cancellationToken),
            completed = await items.CountAsync(ReviewStatus.Completed, cancellationToken),
            overdue = await items.CountOverdueAsync(clock.GetUtcNow().UtcDateTime, cancellationToken),
        })).RequireAuthorization(HitlPolicies.Lead).WithTags("Reviews");
    }

    private static Results<Ok<ReviewItemView>, ProblemHttpResult> Answer(string id, DeskResult result) => result.Outcome switch
    {
        DeskOutcome.Done => TypedResults.Ok(ReviewItemView.Of(result.Item!)),
        DeskOutcome.NotFound => NotFound(id),
        DeskOutcome.HeldByAnother => Conflict($"Review {id} is claimed by another reviewer until {result.Item!.LeaseExpiresAt:O}."),
        DeskOutcome.NotHeld => Conflict($"Review {id} is not claimed by you (or your lease expired); claim it first."),
        DeskOutcome.AlreadyCompleted => Conflict($"Review {id} is already completed."),
        _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome}."),
    };

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Review not found", detail: $"No review item has id {id}.");

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Review conflict", detail: detail);

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
