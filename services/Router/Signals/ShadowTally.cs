using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Signals;

/// <summary>
/// What a shadow policy would have done, counted as decisions and verdicts arrive, so its report reads one document
/// however long it runs. "Right" compares it with reviewers: a response it would have sent to review that the
/// reviewer corrected, or one it would have approved that the reviewer approved unchanged.
/// </summary>
public sealed record ShadowTally : IDocument
{
    /// <summary>The shadow's label (<see cref="ProductPolicy.ShadowLabel"/>).</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public int Decisions { get; init; }
    public int LiveReviews { get; init; }
    public int ShadowReviews { get; init; }

    /// <summary>Decisions where the shadow and the live policy agreed on review or not.</summary>
    public int Agreed { get; init; }

    /// <summary>Decided responses whose first review verdict is known (reviews and audits).</summary>
    public int Verdicts { get; init; }

    public int ShadowRight { get; init; }

    /// <summary>Corrected by the reviewer, but the shadow would have auto-approved it.</summary>
    public int ShadowMissed { get; init; }

    public int LiveRight { get; init; }
}
