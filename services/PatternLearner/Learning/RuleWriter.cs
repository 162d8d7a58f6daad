using System.Text.Json;
using HitlLoop.Contracts;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Fallback;

namespace HitlLoop.PatternLearner.Learning;

/// <summary>One of a pattern's corrections, as a rule writer reads it.</summary>
public sealed record RuleExample(string Query, string Original, string Corrected, string Detail);

/// <summary>What a rule is written from: the pattern, its template rule, and its latest corrections.</summary>
public sealed record RuleRequest(string PatternType, string ProductId, string? Category, PatternRule Template, IReadOnlyList<RuleExample> Examples, int ExampleCount);

/// <summary>A rule's text and who wrote it: "template", "llm:{model}", or "lead:{name}" once a lead edited it.</summary>
public sealed record WrittenRule(PatternRule Rule, string Source);

/// <summary>Where rule sources are named.</summary>
public static class RuleSources
{
    public const string Template = "template";
    public const string LlmPrefix = "llm:";
    public const string LeadPrefix = "lead:";
}

/// <summary>
/// Writes a pattern's rule with a language model when one is configured (an <see cref="IChatClient"/> is registered),
/// else keeps the template rule. The template is the fallback on any failure: an error, a timeout, an answer that is
/// not a rule. A rule is never lost to the model being down.
/// </summary>
public sealed class RuleWriter
{
    /// <summary>Each field of a written rule is cut to this many characters: rules go into prompts.</summary>
    public const int MaxFieldLength = 300;

    private const int MaxExamples = 5;
    private const int MaxExampleChars = 600;

    private const string Instructions =
        "You turn a reviewer team's corrections of a customer-facing chat bot into one rule the bot will follow. " +
        "Answer with one JSON object and nothing else, with four string fields: \"when\" (the situation), " +
        "\"insteadOf\" (what the bot did wrong), \"do\" (what to do instead) and \"reason\" (the evidence, with counts). " +
        "Each field is one short sentence of at most 200 characters. Use only facts, figures and wording found in the " +
        "corrections; never invent policies, prices or promises.";

    private readonly IChatClient? _chat;
    private readonly ResiliencePipeline<WrittenRule> _pipeline;
    private readonly ILogger<RuleWriter> _logger;

    public RuleWriter(IOptions<PatternLearnerOptions> options, ILogger<RuleWriter> logger, IChatClient? chat = null)
    {
        _chat = chat;
        _logger = logger;
        var writer = options.Value.RuleWriter;
        Model = writer.Model;
        _pipeline = new ResiliencePipelineBuilder<WrittenRule>()
            .AddFallback(new FallbackStrategyOptions<WrittenRule>
            {
                // Everything but the caller giving up: that is not the model's failure.
                ShouldHandle = new PredicateBuilder<WrittenRule>().Handle<Exception>(e => e is not OperationCanceledException),
                FallbackAction = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    _logger.LogWarning(args.Outcome.Exception, "The language model wrote no rule for {PatternType} of {ProductId}; the template rule stands", request.PatternType, request.ProductId);
                    return Outcome.FromResultAsValueTask(new WrittenRule(request.Template, RuleSources.Template));
                },
            })
            .AddTimeout(writer.Timeout)
            .Build();
    }

    private static readonly ResiliencePropertyKey<RuleRequest> RequestKey = new("rule-request");

    /// <summary>Whether rules go through a language model.</summary>
    public bool UsesModel => _chat is not null;

    public string? Model { get; }

    public async Task<WrittenRule> WriteAsync(RuleRequest request, CancellationToken cancellationToken)
    {
        if (_chat is null)
        {
            return new WrittenRule(request.Template, RuleSources.Template);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await _pipeline.ExecuteAsync(async c => await AskAsync(_chat, request, c.CancellationToken), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<WrittenRule> AskAsync(IChatClient chat, RuleRequest request, CancellationToken cancellationToken)
    {
        var response = await chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, Prompt(request))],
            new ChatOptions { Temperature = 0, ResponseFormat = ChatResponseFormat.Json, ModelId = Model },
            cancellationToken);
        var rule = Parse(response.Text);
        return new WrittenRule(rule, RuleSources.LlmPrefix + (response.ModelId ?? Model ?? "model"));
    }

    private static string Prompt(RuleRequest request)
    {
        var prompt = new System.Text.StringBuilder()
            .Append("Product: ").AppendLine(request.ProductId)
            .Append("Category: ").AppendLine(request.Category ?? "(all)")
            .Append("Kind of mistake: ").AppendLine(request.PatternType)
            .Append("Corrections of this kind so far: ").Append(request.ExampleCount).AppendLine()
            .Append("Draft rule from the figures: when ").Append(request.Template.When)
            .Append("; instead of ").Append(request.Template.InsteadOf)
            .Append("; do ").Append(request.Template.Do)
            .Append("; because ").AppendLine(request.Template.Reason)
            .AppendLine("Latest corrections:");
        foreach (var (example, i) in request.Examples.Take(MaxExamples).Select((e, i) => (e, i + 1)))
        {
            prompt.Append(i).Append(". The user asked: ").AppendLine(Cut(example.Query))
                .Append("   The bot answered: ").AppendLine(Cut(example.Original))
                .Append("   The reviewer changed it to: ").AppendLine(Cut(example.Corrected))
                .Append("   What changed: ").AppendLine(Cut(example.Detail));
        }

        return prompt.ToString();
    }

    /// <summary>The rule in a model's answer: the first JSON object in it, with four non-blank fields.</summary>
    public static PatternRule Parse(string answer)
    {
        var start = answer.IndexOf('{', StringComparison.Ordinal);
        var end = answer.LastIndexOf('}');
        if (start < 0 || end < start)
        {
            throw new InvalidRuleException("the answer holds no JSON object");
        }

        using var json = JsonDocument.Parse(answer.AsMemory(start, end - start + 1));
        return new PatternRule
        {
            When = Field(json.RootElement, "when"),
            InsteadOf = Field(json.RootElement, "insteadOf"),
            Do = Field(json.RootElement, "do"),
            Reason = Field(json.RootElement, "reason"),
        };
    }

    private static string Field(JsonElement rule, string name)
    {
        var value = rule.ValueKind == JsonValueKind.Object && rule.TryGetProperty(name, out var field) && field.ValueKind == JsonValueKind.String
            ? field.GetString()!.Trim()
            : "";
        if (value.Length == 0)
        {
            throw new InvalidRuleException($"the rule has no \"{name}\"");
        }

        return value.Length > MaxFieldLength ? value[..MaxFieldLength] : value;
    }

    private static string Cut(string text) => text.Length > MaxExampleChars ? text[..MaxExampleChars] + "…" : text;
}

/// <summary>A language model's answer that is not a usable rule.</summary>
public sealed class InvalidRuleException(string reason) : Exception($"Not a rule: {reason}.");
