using HitlLoop.Contracts;
using HitlLoop.Router.Signals;
using HitlLoop.ServiceDefaults;
using MassTransit;

namespace HitlLoop.Router.Consumers;

/// <summary>Keeps each product's known mistakes: a newer version of a pattern replaces the older, a repeat changes nothing.</summary>
public sealed class PatternLearnedConsumer(KnownPatternBoard patterns, TimeProvider clock) : IConsumer<PatternLearned>
{
    public async Task Consume(ConsumeContext<PatternLearned> context)
    {
        MessageValidationException.ThrowIfAny<PatternLearned>(Problems(context.Message));
        await patterns.LearnAsync(KnownPattern.From(context.Message, clock.GetUtcNow().UtcDateTime), context.CancellationToken);
    }

    public static IReadOnlyList<string> Problems(PatternLearned? learned)
    {
        if (learned is null)
        {
            return ["the message body is empty"];
        }

        var checks = new FieldChecks()
            .Id("patternId", learned.PatternId)
            .Id("productId", learned.ProductId)
            .Text("patternType", learned.PatternType, ContractLimits.NameLength, required: true)
            .Text("category", learned.Category, ContractLimits.NameLength)
            .Present("rule", learned.Rule);
        if (learned.Signature is { } signature)
        {
            checks
                .Each("signature.words", signature.Words, (c, field, word) => c.Text(field, word, ContractLimits.NameLength, required: true))
                .Range("signature.minWordHits", signature.MinWordHits, 0, signature.Words?.Count ?? 0);
            if (signature.LongerThan is < 0)
            {
                checks.Add("signature.longerThan", "signature.longerThan must not be negative");
            }

            if (signature.ShorterThan is < 0)
            {
                checks.Add("signature.shorterThan", "signature.shorterThan must not be negative");
            }
        }

        return checks.Messages;
    }
}

public sealed class PatternLearnedConsumerDefinition : ConsumerDefinition<PatternLearnedConsumer>
{
    public PatternLearnedConsumerDefinition()
    {
        EndpointName = "router-pattern-learned";
        ConcurrentMessageLimit = 4;
    }
}
