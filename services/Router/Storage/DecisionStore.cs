using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

internal sealed class DecisionStore : IDecisionStore, IStoreSetup
{
    private readonly IDocumentCollection<RoutingDecisionDocument> _decisions;

    public DecisionStore(IDocumentStoreFactory stores)
    {
        _decisions = stores.ForService(RouterService.ServiceName).GetCollection<RoutingDecisionDocument>("decisions");
    }

    public async Task SetUpAsync(CancellationToken cancellationToken)
    {
        await _decisions.EnsureIndexAsync(d => d.ProductId, cancellationToken: cancellationToken);
        await _decisions.EnsureIndexAsync(d => d.Outcome, cancellationToken: cancellationToken);
    }

    public Task<RoutingDecisionDocument> RecordOnceAsync(RoutingDecisionDocument decision, CancellationToken cancellationToken) =>
        _decisions.InsertOnceAsync(decision, cancellationToken);

    public Task<RoutingDecisionDocument?> FindAsync(string responseId, CancellationToken cancellationToken) =>
        _decisions.FindByIdAsync(responseId, cancellationToken);

    public async Task<DecisionStats> StatsAsync(string? productId, CancellationToken cancellationToken)
    {
        var total = productId is null
            ? await _decisions.CountAsync(d => true, cancellationToken)
            : await _decisions.CountAsync(d => d.ProductId == productId, cancellationToken);
        var review = productId is null
            ? await _decisions.CountAsync(d => d.Outcome == RoutingOutcome.ReviewRequested, cancellationToken)
            : await _decisions.CountAsync(d => d.ProductId == productId && d.Outcome == RoutingOutcome.ReviewRequested, cancellationToken);
        var audits = productId is null
            ? await _decisions.CountAsync(d => d.Audit, cancellationToken)
            : await _decisions.CountAsync(d => d.ProductId == productId && d.Audit, cancellationToken);
        return new DecisionStats(total, total - review, review, audits);
    }
}
