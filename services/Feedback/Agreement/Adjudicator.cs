using HitlLoop.Contracts;
using HitlLoop.Feedback.Corrections;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Privacy;

namespace HitlLoop.Feedback.Agreement;

/// <summary>A lead's decision on a disputed item: the verdict, and for an edit the text the bot should have given.</summary>
public sealed record AdjudicationRequest(string? Verdict, string? CorrectedText, string? Notes);

/// <summary>How an adjudication ended: the item as it stands, or why nothing changed.</summary>
public sealed record AdjudicationResult(ReviewedItem? Item, Dictionary<string, string[]>? Problems, bool Missing, bool Conflict);

/// <summary>
/// Decides the items blind reviewers disagreed on. A lead's edit becomes the golden example (validated like any
/// correction); the item stores the decision with its <see cref="CorrectionAccepted"/> in its outbox, so the event
/// leaves once the decision is durable.
/// </summary>
public sealed class Adjudicator(
    IFeedbackStore store, DocumentOutbox<ReviewedItem> outbox, CorrectionValidator validator, ITextRedactor redactor, TimeProvider clock)
{
    private const int MaxNotesLength = 10_000;

    public async Task<AdjudicationResult> DecideAsync(string responseId, string leadId, AdjudicationRequest request, CancellationToken cancellationToken)
    {
        var problems = new Dictionary<string, string[]>();
        var verdict = Enum.TryParse<ReviewVerdict>(request.Verdict, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(request.Verdict, out _)
            ? parsed
            : (ReviewVerdict?)null;
        if (verdict is null)
        {
            problems["verdict"] = ["verdict must be approved, edited or rejected."];
        }

        var corrected = redactor.RedactOptional(request.CorrectedText);
        if (verdict == ReviewVerdict.Edited && string.IsNullOrWhiteSpace(corrected))
        {
            problems["correctedText"] = ["correctedText is required when the verdict is edited."];
        }
        else if (corrected?.Length > ContractLimits.TextLength)
        {
            problems["correctedText"] = [$"correctedText holds {corrected.Length} characters, more than {ContractLimits.TextLength}."];
        }

        if (request.Notes?.Length > MaxNotesLength)
        {
            problems["notes"] = [$"notes hold {request.Notes.Length} characters, more than {MaxNotesLength}."];
        }

        if (problems.Count > 0)
        {
            return new AdjudicationResult(null, problems, Missing: false, Conflict: false);
        }

        if (await store.FindReviewedItemAsync(responseId, cancellationToken) is not { } item)
        {
            return new AdjudicationResult(null, null, Missing: true, Conflict: false);
        }

        if (item.Status != ConsensusStatus.Disputed)
        {
            return new AdjudicationResult(item, null, Missing: false, Conflict: true);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        GoldenExample? example = null;
        if (verdict == ReviewVerdict.Edited)
        {
            var basis = await store.FindReviewAsync(item.Reviews[0].ReviewId, cancellationToken)
                ?? throw new InvalidOperationException($"Item {item.Id} names review {item.Reviews[0].ReviewId}, which is missing.");
            var validation = validator.Validate(basis.OriginalText, corrected!, reviewerAgreement: null);
            if (!validation.IsAccepted)
            {
                return new AdjudicationResult(
                    null, new() { ["correctedText"] = [.. validation.Rejections.Select(r => $"{r.Code}: {r.Detail}")] }, Missing: false, Conflict: false);
            }

            // The example goes in before the decision that names it; a retry after a crash finds it and goes on.
            example = await store.AddGoldenExampleOnceAsync(
                GoldenExample.Of(basis, corrected!, validation.Similarity, reviewerReliability: 1.0, now) with
                {
                    Id = GoldenExample.IdFor("adjudication:" + item.Id),
                    ReviewerId = leadId,
                    Consensus = Consensuses.Adjudicated,
                    ReviewIds = [.. item.Reviews.Select(r => r.ReviewId)],
                    ReviewerIds = [.. item.Reviews.Select(r => r.ReviewerId)],
                },
                cancellationToken);
        }

        var decision = new Adjudication(leadId, verdict!.Value, corrected, redactor.RedactOptional(request.Notes), now);
        var decided = await store.ChangeReviewedItemAsync(
            item.Id,
            current => current.Status != ConsensusStatus.Disputed
                ? null
                : current with
                {
                    Status = ConsensusStatus.Adjudicated,
                    Verdict = decision.Verdict,
                    Adjudication = decision,
                    GoldenExampleId = example?.Id,
                    Outbox = example is null ? current.Outbox : [.. current.Outbox, Outbox.Message(example.ToEvent(), clock)],
                    OutboxPending = example is not null || current.OutboxPending,
                    Version = current.Version + 1,
                },
            cancellationToken);
        if (decided?.Adjudication != decision)
        {
            // Another lead decided it first.
            return new AdjudicationResult(decided, null, Missing: decided is null, Conflict: decided is not null);
        }

        await outbox.PublishAsync(decided, cancellationToken);
        return new AdjudicationResult(decided, null, Missing: false, Conflict: false);
    }
}
