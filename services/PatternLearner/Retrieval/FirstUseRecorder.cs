using HitlLoop.Contracts;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults.Outbox;

namespace HitlLoop.PatternLearner.Retrieval;

/// <summary>
/// Notes when guidance first returns a correction and announces it (<see cref="CorrectionFirstServed"/>): the time
/// from acceptance to that moment is how long a bot waited before it could stop repeating the mistake. Only a
/// correction not yet marked on its record costs a write, so guidance pays once per correction.
/// </summary>
public sealed class FirstUseRecorder(ICorrectionStore corrections, DocumentOutbox<CorrectionFirstUse> outbox, TimeProvider clock)
{
    public async Task ServedAsync(CorrectionRecord correction, CancellationToken cancellationToken)
    {
        if (correction.FirstServedAt is not null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var first = await corrections.RecordFirstUseOnceAsync(
            new CorrectionFirstUse
            {
                Id = correction.Id,
                ProductId = correction.ProductId,
                AcceptedAt = correction.AcceptedAt,
                ServedAt = now.UtcDateTime,
                OutboxPending = true,
                Outbox =
                [
                    Outbox.Message(
                        new CorrectionFirstServed
                        {
                            CorrectionId = correction.Id,
                            ProductId = correction.ProductId,
                            Category = correction.Category,
                            AcceptedAt = new DateTimeOffset(DateTime.SpecifyKind(correction.AcceptedAt, DateTimeKind.Utc)),
                            ServedAt = now,
                        },
                        clock),
                ],
            },
            cancellationToken);

        // Marked after the first use stands: a crash in between only makes the next request find it stored.
        await corrections.MarkServedAsync(correction.Id, first.ServedAt, cancellationToken);
        if (first.OutboxPending)
        {
            await outbox.PublishAsync(first, cancellationToken);
        }
    }
}
