using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Storage;

namespace HitlLoop.Router.Storage;

/// <summary>The review request of a response that came over HTTP, kept until it is known to be published.</summary>
public sealed record PendingReviewRequest : IHasOutbox<PendingReviewRequest>
{
    /// <summary>The response id.</summary>
    public required string Id { get; init; }

    public long Version { get; init; }
    public required string ProductId { get; init; }
    public DateTime CreatedAt { get; init; }
    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];
    public bool OutboxPending { get; init; }

    public PendingReviewRequest WithOutboxDelivered() => this with { Outbox = [], OutboxPending = false, Version = Version + 1 };
}

/// <summary>
/// Sends the review requests of responses that came over HTTP, where no broker message holds them: each is stored
/// (once per response id) before the answer, then published, and the outbox sweeper publishes any a crash or an
/// absent broker left behind. A response that came from the broker needs none of this: its message is acknowledged
/// only after the request is published (see the consumer), so the decisions stay free of outboxes and of the index
/// the sweeper would need over them.
/// </summary>
public sealed class ReviewRequestOutbox(IDocumentStoreFactory stores, OutboxDispatcher dispatcher, TimeProvider clock) : IStoreSetup
{
    public IDocumentCollection<PendingReviewRequest> Requests { get; } =
        stores.ForService(RouterService.ServiceName).GetCollection<PendingReviewRequest>("review-request-outbox");

    public Task SetUpAsync(CancellationToken cancellationToken) =>
        Requests.EnsureIndexAsync(r => r.OutboxPending, cancellationToken: cancellationToken);

    /// <summary>
    /// Stores the routed response's review request unless it was stored before, then publishes it if it is still
    /// pending. A request sent once is not sent again when the same response is posted again.
    /// </summary>
    public async Task SendAsync(RoutedResponse routed, CancellationToken cancellationToken)
    {
        if (routed is not { Decision: var decision, Request: { } request })
        {
            return;
        }

        var pending = await Requests.InsertOnceAsync(
            new PendingReviewRequest
            {
                Id = decision.Id,
                ProductId = decision.ProductId,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
                Outbox = [Outbox.Message<ReviewRequested>(request, clock)],
                OutboxPending = true,
            },
            cancellationToken);
        await dispatcher.TryDispatchAsync(Requests, pending, cancellationToken);
    }
}
