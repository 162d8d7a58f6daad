using HitlLoop.Contracts;
using HitlLoop.ReviewQueue.Reviewers;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.ReviewQueue.Consumers;

/// <summary>Keeps the agreement Feedback measured in the reviewer's stats; an older measurement never overwrites a newer one.</summary>
public sealed class ReviewerAgreementMeasuredConsumer(IReviewerStore reviewers, TimeProvider clock) : IConsumer<ReviewerAgreementMeasured>
{
    public async Task Consume(ConsumeContext<ReviewerAgreementMeasured> context)
    {
        var measured = context.Message;
        List<string> problems = [];
        if (string.IsNullOrWhiteSpace(measured.ReviewerId))
        {
            problems.Add("reviewerId is required");
        }

        if (!double.IsFinite(measured.Agreement) || measured.Agreement is < 0 or > 1)
        {
            problems.Add($"agreement must lie in 0..1, not {measured.Agreement}");
        }

        if (measured.ItemsCompared < 0)
        {
            problems.Add("itemsCompared cannot be negative");
        }

        MessageValidationException.ThrowIfAny<ReviewerAgreementMeasured>(problems);

        var now = clock.GetUtcNow().UtcDateTime;
        var at = measured.MeasuredAt == default ? now : measured.MeasuredAt.UtcDateTime;
        await reviewers.ChangeAsync(
            measured.ReviewerId,
            r => r.AgreementMeasuredAt >= at
                ? null
                : r with { Agreement = measured.Agreement, AgreementItems = measured.ItemsCompared, AgreementMeasuredAt = at, UpdatedAt = now, Version = r.Version + 1 },
            Reviewer.Register(measured.ReviewerId, measured.ReviewerId, now),
            context.CancellationToken);
    }
}

public sealed class ReviewerAgreementMeasuredConsumerDefinition : ConsumerDefinition<ReviewerAgreementMeasuredConsumer>
{
    public ReviewerAgreementMeasuredConsumerDefinition()
    {
        EndpointName = "review-queue-reviewer-agreement-measured";
        ConcurrentMessageLimit = 4;
    }
}
