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
    /// <param name="draft">The bot's draft answer, if any: corrections of answers like it rank higher.</param>
    [Get("/api/guidance")]
    Task<GuidanceAnswer> GetGuidanceAsync(
        string productId,
        string? query = null,
        string? category = null,
        int? limit = null,
        string? draft = null,
        CancellationToken cancellationToken = default);

    /// <summary>The same as <see cref="GetGuidanceAsync"/>, with the query and draft in the body: for texts too long for a URL.</summary>
    [Post("/api/guidance")]
    Task<GuidanceAnswer> GetGuidanceAsync([Body] GuidanceRequest request, CancellationToken cancellationToken = default);
}
