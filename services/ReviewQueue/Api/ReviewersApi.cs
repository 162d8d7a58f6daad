using System.Security.Claims;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Reviewers;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HitlLoop.ReviewQueue.Api;

/// <summary>The reviewer registry: each reviewer's own profile and availability, and leads managing everyone's.</summary>
internal static class ReviewersApi
{
    public const int MaxPage = 500;

    public static void MapReviewersApi(this IEndpointRouteBuilder endpoints)
    {
        var me = endpoints.MapGroup("/api/reviewers/me").WithTags("Reviewers").RequireAuthorization(HitlPolicies.Review)
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024));

        me.MapGet("", async (ClaimsPrincipal user, IReviewerStore reviewers, CancellationToken cancellationToken) =>
            TypedResults.Ok(ReviewerProfile.Of(await reviewers.GetOrRegisterAsync(user.ReviewerId(), user.UserName(), cancellationToken), user.Roles())));

        me.MapGet("/reviews", async (ClaimsPrincipal user, IReviewItemStore items, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var held = await items.HeldByAsync(user.ReviewerId(), cancellationToken);
            return TypedResults.Ok<IReadOnlyList<ReviewItemView>>(
                [.. held.Where(i => i.IsHeldBy(user.ReviewerId(), now)).Select(i => ReviewItemView.For(i, user.ReviewerId(), user.IsLead(), now))]);
        });

        me.MapPut("/availability", async Task<Results<Ok<ReviewerProfile>, ValidationProblem>> (
            AvailabilityChange change, ClaimsPrincipal user, IReviewerStore reviewers, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (change.Availability is not { } availability)
            {
                return Invalid("availability", "availability is required: active or away.");
            }

            var seed = await reviewers.GetOrRegisterAsync(user.ReviewerId(), user.UserName(), cancellationToken);
            var changed = await reviewers.ChangeAsync(
                seed.Id,
                r => r.Availability == availability ? null : r with { Availability = availability, UpdatedAt = clock.GetUtcNow().UtcDateTime, Version = r.Version + 1 },
                seed: null,
                cancellationToken);
            return TypedResults.Ok(ReviewerProfile.Of(changed!, user.Roles()));
        });

        var registry = endpoints.MapGroup("/api/reviewers").WithTags("Reviewers").RequireAuthorization(HitlPolicies.Lead)
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024));

        registry.MapGet("/", async Task<Results<Ok<ReviewerPage>, ValidationProblem>> (
            string? after, int? limit, IReviewerStore reviewers, CancellationToken cancellationToken) =>
        {
            if (limit is < 1 or > MaxPage)
            {
                return Invalid("limit", $"limit must lie in 1..{MaxPage}.");
            }

            long? cursor = null;
            if (after is not null)
            {
                if (!long.TryParse(after, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    return Invalid("after", "after must be the next cursor of a previous page.");
                }

                cursor = value;
            }

            var take = limit ?? 100;
            var found = await reviewers.ListAsync(cursor, take + 1, cancellationToken);
            var page = found.Take(take).ToList();
            return TypedResults.Ok(new ReviewerPage(
                [.. page.Select(r => ReviewerProfile.Of(r))],
                found.Count > take ? page[^1].ListKey.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
        });

        registry.MapGet("/{id}", async Task<Results<Ok<ReviewerProfile>, ProblemHttpResult>> (
            string id, IReviewerStore reviewers, CancellationToken cancellationToken) =>
        {
            return await reviewers.FindAsync(id, cancellationToken) is { } reviewer ? TypedResults.Ok(ReviewerProfile.Of(reviewer)) : NotFound(id);
        });

        // Creates the reviewer (ids are the subjects their tokens carry) or changes what the body names.
        registry.MapPut("/{id}", async Task<Results<Ok<ReviewerProfile>, ValidationProblem>> (
            string id, ReviewerChange change, IReviewerStore reviewers, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var errors = change.Validate();
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            var now = clock.GetUtcNow().UtcDateTime;
            var seed = Reviewer.Register(id, change.Name?.Trim() ?? id, now);
            var saved = await reviewers.ChangeAsync(id, r => change.ApplyTo(r, now), seed, cancellationToken);
            return TypedResults.Ok(ReviewerProfile.Of(saved!));
        });

        registry.MapPost("/{id}/deactivate", (string id, IReviewerStore reviewers, TimeProvider clock, CancellationToken cancellationToken) =>
            SetDeactivatedAsync(id, true, reviewers, clock, cancellationToken));

        registry.MapPost("/{id}/activate", (string id, IReviewerStore reviewers, TimeProvider clock, CancellationToken cancellationToken) =>
            SetDeactivatedAsync(id, false, reviewers, clock, cancellationToken));
    }

    private static async Task<Results<Ok<ReviewerProfile>, ProblemHttpResult>> SetDeactivatedAsync(
        string id, bool deactivated, IReviewerStore reviewers, TimeProvider clock, CancellationToken cancellationToken)
    {
        var changed = await reviewers.ChangeAsync(
            id,
            r => r.Deactivated == deactivated ? null : r with { Deactivated = deactivated, UpdatedAt = clock.GetUtcNow().UtcDateTime, Version = r.Version + 1 },
            seed: null,
            cancellationToken);
        return changed is null ? NotFound(id) : TypedResults.Ok(ReviewerProfile.Of(changed));
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Reviewer not found", detail: $"No reviewer has id {id}.");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
