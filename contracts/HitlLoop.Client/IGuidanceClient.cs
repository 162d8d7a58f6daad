using HitlLoop.Contracts.Guidance;
using Refit;

namespace HitlLoop.Client;

/// <summary>
/// PatternLearner's guidance API: before answering, a chat product asks for the corrections most relevant to the
/// user's query and the rules learned for its product, and puts them in its prompt.
/// </summary>
public interface IGuidanceClient
{
    /// <param name="productId">The product whose corrections and rules to return.</param>
    /// <param name="query">The user's message; corrections of similar queries come first.</param>
    /// <param name="category">Narrows corrections and rules to one category (plus category-less rules).</param>
    /// <param name="limit">How many corrections, 1..20 (PatternLearner's default is 3).</param>
    [Get("/api/guidance")]
    Task<GuidanceAnswer> GetGuidanceAsync(
        string productId,
        string? query = null,
        string? category = null,
        int? limit = null,
        CancellationToken cancellationToken = default);
}
