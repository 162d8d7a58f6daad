using System.Linq.Expressions;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

internal sealed class DecisionStore : IDecisionStore, IStoreSetup
{
    private readonly IDocumentCollection<RoutingDecisionDocument> _decisions;

    public DecisionStore(IDocumentStoreFactory stores)
    {
        _decisions = stores.ForService(RouterService.ServiceName).GetCollection<RoutingDecisionDocument>("decisions");
    }

    /// <summary>The decisions, whose outboxes carry their review requests.</summary>
    public IDocumentCollection<RoutingDecisionDocument> Decisions => _decisions;

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _decisions.EnsureIndexAsync(d => d.ProductId, cancellationToken: cancellationToken);
        await _decisions.EnsureIndexAsync(d => d.Outcome, cancellationToken: cancellationToken);
        await _decisions.EnsureIndexAsync(d => d.DecidedAt, cancellationToken: cancellationToken);
        await _decisions.EnsureIndexAsync(d => d.OutboxPending, cancellationToken: cancellationToken);
    }

    public Task<RoutingDecisionDocument> RecordOnceAsync(RoutingDecisionDocument decision, CancellationToken cancellationToken) =>
        _decisions.InsertOnceAsync(decision, cancellationToken);

    public Task<RoutingDecisionDocument?> FindAsync(string responseId, CancellationToken cancellationToken) =>
        _decisions.FindByIdAsync(responseId, cancellationToken);

    public async Task<bool> RecordVerdictAsync(string responseId, bool corrected, CancellationToken cancellationToken)
    {
        var recorded = false;
        await _decisions.UpdateAsync(
            responseId,
            d =>
            {
                recorded = d.Corrected is null;
                return recorded ? d with { Corrected = corrected, Version = d.Version + 1 } : null;
            },
            cancellationToken);
        return recorded;
    }

    public Task<DecisionStats> StatsAsync(string? productId, CancellationToken cancellationToken) =>
        CountAsync(productId is null ? null : d => d.ProductId == productId, cancellationToken);

    public Task<DecisionStats> StatsAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken) =>
        CountAsync(
            productId is null
                ? d => d.DecidedAt >= from && d.DecidedAt < to
                : d => d.ProductId == productId && d.DecidedAt >= from && d.DecidedAt < to,
            cancellationToken);

    private async Task<DecisionStats> CountAsync(Expression<Func<RoutingDecisionDocument, bool>>? scope, CancellationToken cancellationToken)
    {
        var total = await _decisions.CountAsync(scope ?? (d => true), cancellationToken);
        var review = await _decisions.CountAsync(Filters.And(scope, d => d.Outcome == RoutingOutcome.ReviewRequested), cancellationToken);
        var audits = await _decisions.CountAsync(Filters.And(scope, d => d.Audit), cancellationToken);
        var skipped = await _decisions.CountAsync(Filters.And(scope, d => d.BudgetSkipped), cancellationToken);
        return new DecisionStats(total, total - review, review, audits, skipped);
    }
}
