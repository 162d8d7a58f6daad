using HitlLoop.Contracts.Guidance;
using HitlLoop.PatternLearner.Retrieval;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults.Http;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HitlLoop.PatternLearner.Api;

internal static class GuidanceApi
{
    private const int DefaultLimit = 3;
    private const int MaxLimit = 20;

    public static void MapGuidanceApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/guidance", async Task<Results<Ok<GuidanceAnswer>, ValidationProblem>> (
            string? productId,
            string? query,
            string? category,
            int? limit,
            CorrectionSearch search,
            ICorrectionStore corrections,
            IPatternStore patterns,
            IOptions<PatternLearnerOptions> options,
            CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(productId))
            {
                return Invalid("productId", "productId is required: guidance is learned per product.");
            }

            if (limit is < 1 or > MaxLimit)
            {
                return Invalid("limit", $"limit must lie in 1..{MaxLimit}.");
            }

            var scope = CorrectionLearner.NormalizeCategory(category);
            var ranked = new List<(CorrectionRecord Item, float Score)>();
            foreach (var hit in search.Search(productId, scope, query, draft: null, limit ?? DefaultLimit))
            {
                // Found in this replica's index, so stored: only a correction deleted since would be missing.
                if (await corrections.FindAsync(hit.CorrectionId, cancellationToken) is { } correction)
                {
                    ranked.Add((correction, hit.Score));
                }
            }

            var rules = await patterns.WithRulesAsync(productId, cancellationToken);

            return TypedResults.Ok(new GuidanceAnswer
            {
                ProductId = productId,
                Category = scope,
                Corrections = [.. ranked.Select(r => new GuidanceCorrection
                {
                    CorrectionId = r.Item.Id,
                    Query = r.Item.Query,
                    OriginalText = r.Item.OriginalText,
                    CorrectedText = r.Item.CorrectedText,
                    Category = r.Item.Category,
                    PatternTypes = [.. r.Item.Issues.Select(i => i.PatternType)],
                    AcceptedAt = r.Item.AcceptedAt,
                    Relevance = r.Score,
                })],

                // Without a category every rule of the product may apply; with one, its own and the category-less ones.
                Rules = [.. rules
                    .Where(p => p.ServedUnder(options.Value.RequireApproval) && (scope is null || p.Category is null || p.Category == scope))
                    .Select(p => new GuidanceRule
                    {
                        PatternId = p.Id,
                        PatternType = p.PatternType,
                        Category = p.Category,
                        Rule = p.Rule!,
                        ExampleCount = p.RuleExampleCount,
                        Version = p.RuleVersion,
                    })],
            });
        }).RequireAuthorization(HitlPolicies.Product).RequireRateLimiting(ProductRateLimit.Policy).WithTags("Guidance");
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
