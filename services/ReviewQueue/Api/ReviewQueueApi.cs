using System.Globalization;
using System.Security.Claims;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Reviewers;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults.Http;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HitlLoop.ReviewQueue.Api;

internal static class ReviewQueueApi
{
    public const int MaxPage = 500;
    public const int DefaultPage = 50;

    /// <summary>Largest request body a reviewer may send: a correction at its maximum length with room to spare.</summary>
    public const long MaxBodyBytes = 256 * 1024;

    public static void MapReviewQueueApi(this IEndpointRouteBuilder endpoints)
    {
        var reviews = endpoints.MapGroup("/api/reviews").WithTags("Reviews").RequireAuthorization(HitlPolicies.Review)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));

        reviews.MapGet("/", async Task<Results<Ok<ReviewItemPage>, ValidationProblem>> (
            string? status, string? productId, int? limit, string? after, ClaimsPrincipal user, IReviewItemStore items, TimeProvider clock,
            CancellationToken cancellationToken) =>
        {
            ReviewStatus? parsed = null;
            if (status is not null)
            {
                if (!Enum.TryParse<ReviewStatus>(status, ignoreCase: true, out var value) || !Enum.IsDefined(value) || int.TryParse(status, out _))
                {
                    return Invalid("status", "status must be pending, claimed or completed.");
                }

                parsed = value;
            }

            if (limit is < 1 or > MaxPage)
            {
                return Invalid("limit", $"limit must lie in 1..{MaxPage}.");
            }

            long? cursor = null;
            if (after is not null)
            {
                if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return Invalid("after", "after must be the next cursor of a previous page.");
                }

                cursor = value;
            }

            var page = await items.ListAsync(new ReviewListQuery(parsed, productId, cursor, limit ?? DefaultPage), cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            return TypedResults.Ok(new ReviewItemPage(
                [.. page.Items.Select(i => ReviewItemView.For(i, user.ReviewerId(), user.IsLead(), now))],
                page.Next?.ToString(CultureInfo.InvariantCulture)));
        });

        reviews.MapGet("/{id}", async Task<Results<Ok<ReviewItemView>, ProblemHttpResult>> (
            string id, ClaimsPrincipal user, IReviewItemStore items, TimeProvider clock, CancellationToken cancellationToken) =>
            await items.FindAsync(id, cancellationToken) is { } item
                ? TypedResults.Ok(ReviewItemView.For(item, user.ReviewerId(), user.IsLead(), clock.GetUtcNow().UtcDateTime))
                : NotFound(id));

        // A chat product holding a low-confidence answer may ask too, so this one is mapped outside the reviewers' group.
        endpoints.MapGet("/api/reviews/by-response/{responseId}", async Task<Results<Ok<ReviewStatusView>, ProblemHttpResult>> (
            string responseId, IReviewItemStore items, CancellationToken cancellationToken) =>
            await items.FindAsync(responseId, cancellationToken) is { } item
                ? TypedResults.Ok(ReviewStatusView.Of(item))
                : NotFound(responseId)).RequireAuthorization(HitlPolicies.ReviewStatus).RequireRateLimiting(ProductRateLimit.Policy).WithTags("Reviews");

        reviews.MapPost("/claim", async Task<Results<Ok<ReviewItemView>, NoContent, ProblemHttpResult>> (
            ClaimsPrincipal user, ReviewDesk desk, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var result = await desk.ClaimNextAsync(user.ReviewerId(), user.UserName(), cancellationToken);
            return result.Outcome switch
            {
                DeskOutcome.NotFound => TypedResults.NoContent(),
                DeskOutcome.Done => TypedResults.Ok(ReviewItemView.For(result.Item!, user.ReviewerId(), user.IsLead(), clock.GetUtcNow().UtcDateTime)),
                var refused => Refusal("the next review", refused),
            };
        });

        reviews.MapPost("/{id}/claim", (string id, ClaimsPrincipal user, ReviewDesk desk, TimeProvider clock, CancellationToken cancellationToken) =>
            Act(id, user, clock, reviewer => desk.ClaimAsync(id, reviewer, user.UserName(), cancellationToken)));

        reviews.MapPost("/{id}/extend", (string id, ClaimsPrincipal user, ReviewDesk desk, TimeProvider clock, CancellationToken cancellationToken) =>
            Act(id, user, clock, reviewer => desk.ExtendAsync(id, reviewer, cancellationToken)));

        reviews.MapPost("/{id}/release", (string id, ClaimsPrincipal user, ReviewDesk desk, TimeProvider clock, CancellationToken cancellationToken) =>
            Act(id, user, clock, reviewer => desk.ReleaseAsync(id, reviewer, cancellationToken)));

        reviews.MapPost("/{id}/skip", async Task<Results<Ok<ReviewItemView>, ProblemHttpResult>> (
            string id, SkipRequest skip, ClaimsPrincipal user, ReviewDesk desk, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var errors = skip.Validate();
            return errors.Count > 0
                ? Invalid(errors)
                : await Act(id, user, clock, reviewer => desk.SkipAsync(id, reviewer, skip.Reason!.Trim(), cancellationToken));
        });

        reviews.MapPost("/{id}/submit", async Task<Results<Ok<ReviewItemView>, ProblemHttpResult>> (
            string id, ReviewSubmission submission, ClaimsPrincipal user, ReviewDesk desk, IReviewItemStore items, TimeProvider clock,
            CancellationToken cancellationToken) =>
        {
            if (await items.FindAsync(id, cancellationToken) is not { } item)
            {
                return NotFound(id);
            }

            var errors = submission.Validate(item.Request.Response.Response);
            return errors.Count > 0
                ? Invalid(errors)
                : await Act(id, user, clock, reviewer => desk.SubmitAsync(id, reviewer, submission, cancellationToken));
        });

        endpoints.MapGet("/api/queue/stats", async (IReviewItemStore items, CancellationToken cancellationToken) =>
        {
            var counts = await items.CountAsync(cancellationToken);
            return TypedResults.Ok(new QueueStats(counts.Pending, counts.Claimed, counts.Completed, counts.Overdue, counts.Open));
        }).RequireAuthorization(HitlPolicies.Lead).WithTags("Reviews");
    }

    private static async Task<Results<Ok<ReviewItemView>, ProblemHttpResult>> Act(
        string id, ClaimsPrincipal user, TimeProvider clock, Func<string, Task<DeskResult>> action)
    {
        var reviewer = user.ReviewerId();
        var result = await action(reviewer);
        return result.Outcome switch
        {
            DeskOutcome.Done => TypedResults.Ok(ReviewItemView.For(result.Item!, reviewer, user.IsLead(), clock.GetUtcNow().UtcDateTime)),
            DeskOutcome.NotFound => NotFound(id),
            DeskOutcome.Deactivated or DeskOutcome.Away or DeskOutcome.AtCapacity => Refusal($"review {id}", result.Outcome),
            DeskOutcome.HeldByAnother => Conflict($"Review {id} is held by other reviewers; every review it needs is taken."),
            DeskOutcome.NotHeld => Conflict($"Review {id} is not claimed by you (or your lease expired); claim it first."),
            DeskOutcome.AlreadyCompleted => Conflict($"Review {id} is already completed."),
            DeskOutcome.AlreadyReviewed => Conflict($"You have already reviewed {id}; another reviewer must give its next review."),
            DeskOutcome.Skipped => Conflict($"You skipped review {id}; it is left to other reviewers."),
            _ => throw new InvalidOperationException($"Unexpected outcome {result.Outcome}."),
        };
    }

    /// <summary>Why this reviewer may take no work now: 403 when deactivated, 409 when away or holding all they may.</summary>
    private static ProblemHttpResult Refusal(string what, DeskOutcome outcome) => outcome switch
    {
        DeskOutcome.Deactivated => TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden, title: "Reviewer deactivated", detail: $"You are deactivated and cannot take {what}; ask a lead."),
        DeskOutcome.Away => Conflict($"You are marked away; set yourself active (PUT /api/reviewers/me/availability) to take {what}."),
        DeskOutcome.AtCapacity => Conflict($"You hold as many reviews as you may at once; finish or release one to take {what}."),
        _ => throw new InvalidOperationException($"Unexpected outcome {outcome}."),
    };

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Review not found", detail: $"No review item has id {id}.");

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Review conflict", detail: detail);

    private static ProblemHttpResult Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest });

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}


/// <summary>For a chat product holding an answer: where a response's review stands.</summary>
public sealed record ReviewStatusView(string ResponseId, ReviewStatus Status, int RequiredReviews, int ReviewsDone, IReadOnlyList<ReviewOutcomeView> Verdicts)
{
    public static ReviewStatusView Of(ReviewItem item) => new(
        item.Id,
        item.VisibleStatus,
        item.RequiredReviews,
        item.Reviews.Count,
        item.IsCompleted ? [.. item.Reviews.Select(r => new ReviewOutcomeView(r.ReviewNumber, r.Verdict, r.CorrectedText, r.CompletedAt))] : []);
}

public sealed record ReviewOutcomeView(int ReviewNumber, HitlLoop.Contracts.ReviewVerdict Verdict, string? CorrectedText, DateTime CompletedAt);
