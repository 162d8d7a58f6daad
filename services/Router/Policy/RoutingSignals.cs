using HitlLoop.Router.Novelty;
using HitlLoop.Router.Signals;

namespace HitlLoop.Router.Policy;

/// <summary>What the Router has learned about the response's kind from other events, as of the decision.</summary>
/// <param name="Reactions">End users' latest reactions to responses of this kind.</param>
/// <param name="Patterns">The product's known mistakes.</param>
/// <param name="Calibrated">The kind's threshold as reviewers' verdicts have moved it.</param>
/// <param name="Novelty">How the query compares with the product's earlier ones.</param>
public sealed record RoutingSignals(
    UserReactionWindow? Reactions,
    IReadOnlyList<KnownPattern>? Patterns = null,
    ThresholdCalibration? Calibrated = null,
    NoveltyAssessment? Novelty = null);
