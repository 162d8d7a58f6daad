using HitlLoop.Contracts.Guidance;
using HitlLoop.PatternLearner.Learning;
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
        endpoints.MapGet("/api/guidance", (
            string? productId, string? query, string? category, int? limit, string? draft, Guidance guidance, CancellationToken cancellationToken) =>
            guidance.AnswerAsync(new GuidanceRequest { ProductId = productId!, Query = query, Category = category, Limit = limit, Draft = draft }, cancellationToken))
            .RequireAuthorization(HitlPolicies.Product).RequireRateLimiting(ProductRateLimit.Policy).WithTags("Guidance");

        // The same, for a query or draft too long for a URL.
        endpoints.MapPost("/api/guidance", (GuidanceRequest request, Guidance guidance, CancellationToken cancellationToken) =>
            guidance.AnswerAsync(request, cancellationToken))
            .RequireAuthorization(HitlPolicies.Product).RequireRateLimiting(ProductRateLimit.Policy).WithTags("Guidance");
    }

    internal sealed class Guidance(
        CorrectionSearch search, ICorrectionStore corrections, IPatternStore patterns, FirstUseRecorder firstUses, IOptions<PatternLearnerOptions> options)
    {
        public async Task<Results<Ok<GuidanceAnswer>, ValidationProblem>> AnswerAsync(GuidanceRequest request, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(request.ProductId))
            {
                return Invalid("productId", "productId is required: guidance is learned per product.");
            }

            if (request.Limit is < 1 or > MaxLimit)
            {
                return Invalid("limit", $"limit must lie in 1..{MaxLimit}.");
            }

            var productId = request.ProductId;
            var scope = CorrectionLearner.NormalizeCategory(request.Category);
            var ranked = new List<GuidanceCorrection>();
            foreach (var hit in search.Search(productId, scope, request.Query, request.Draft, request.Limit ?? DefaultLimit))
            {
                // Found in this replica's index, so stored: only a correction deleted since would be missing.
                if (await corrections.FindAsync(hit.CorrectionId, cancellationToken) is { } correction)
                {
                    ranked.Add(new GuidanceCorrection
                    {
                        CorrectionId = correction.Id,
                        Query = correction.Query,
                        OriginalText = correction.OriginalText,
                        CorrectedText = correction.CorrectedText,
                        Category = correction.Category,
                        PatternTypes = [.. correction.Issues.Select(i => i.PatternType)],
                        AcceptedAt = correction.AcceptedAt,
                        Relevance = hit.Score,
                    });
                    await firstUses.ServedAsync(correction, cancellationToken);
                }
            }

            // Without a category every rule of the product may apply; with one, its own and the category-less ones.
            List<GuidanceRule> rules = [.. (await patterns.WithRulesAsync(productId, cancellationToken))
                .Where(p => p.ServedUnder(options.Value.RequireApproval) && (scope is null || p.Category is null || p.Category == scope))
                .Select(p => new GuidanceRule
                {
                    PatternId = p.Id,
                    PatternType = p.PatternType,
                    Category = p.Category,
                    Rule = p.Rule!,
                    ExampleCount = p.RuleExampleCount,
                    Version = p.RuleVersion,
                    Source = p.RuleSource,
                })];

            return TypedResults.Ok(new GuidanceAnswer
            {
                ProductId = productId,
                Category = scope,
                Corrections = ranked,
                Rules = rules,
                Prompt = GuidancePrompt.Of(productId, scope, rules, ranked),
                Retrieval = CorrectionSearch.Method,
            });
        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
