using HitlLoop.Contracts;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Feedback.Consumers;

/// <summary>Keeps Router's review counts per product and day: the loop's review rate, without reading Router's database.</summary>
public sealed class ReviewRateMeasuredConsumer(IFeedbackStore store) : IConsumer<ReviewRateMeasured>
{
    public async Task Consume(ConsumeContext<ReviewRateMeasured> context)
    {
        MessageValidationException.ThrowIfAny<ReviewRateMeasured>(Problems(context.Message));
        await store.RecordReviewRateAsync(ReviewRateDay.From(context.Message), context.CancellationToken);
    }

    public static IReadOnlyList<string> Problems(ReviewRateMeasured? measured) =>
        measured is null
            ? ["the message body is empty"]
            : new FieldChecks()
                .Id("productId", measured.ProductId)
                .Range("responses", measured.Responses, 0, long.MaxValue)
                .Range("reviewRequested", measured.ReviewRequested, 0, long.MaxValue)
                .Range("audits", measured.Audits, 0, long.MaxValue)
                .Range("budgetSkipped", measured.BudgetSkipped, 0, long.MaxValue)
                .That(measured.ReviewRequested + measured.Audits <= measured.Responses, "reviewRequested", "reviewRequested + audits cannot exceed responses.")
                .Messages;
}

public sealed class ReviewRateMeasuredConsumerDefinition : ConsumerDefinition<ReviewRateMeasuredConsumer>
{
    public ReviewRateMeasuredConsumerDefinition()
    {
        EndpointName = "feedback-review-rate-measured";
        ConcurrentMessageLimit = 4;
    }
}
