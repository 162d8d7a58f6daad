using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.Router.Policy;
using HitlLoop.Tests.Support;

namespace HitlLoop.Tests.Contracts;

/// <summary>
/// What chat products and the ML team send is bounded, in the JSON Schemas they code against and in the checks the
/// services run, with the same numbers (<see cref="ContractLimits"/>).
/// </summary>
public sealed class ContractLimitsTests
{
    private static readonly string Schemas = Path.Combine(Repository.PathOf("contracts"), "schemas");

    private static readonly string[] Inbound = ["ResponseScored", "UserFeedbackSubmitted", "RetrainCompleted"];

    private static ResponseScored Scored() => new() { ResponseId = "r-1", ProductId = "support-bot", Query = "Why?", Response = "Because.", Confidence = 0.5 };

    [TestCaseSource(nameof(Inbound))]
    public void Every_string_list_and_map_an_outside_sender_fills_is_bounded_in_its_schema(string eventName)
    {
        var unbounded = new List<string>();
        Walk(Load($"{eventName}.schema.json"), eventName, unbounded, depth: 0);

        Assert.That(unbounded, Is.Empty);
    }

    [Test]
    public void The_schemas_state_the_services_limits()
    {
        var scored = Load("ResponseScored.schema.json")["properties"]!;
        var common = Load("common.schema.json")["$defs"]!;

        Assert.Multiple(() =>
        {
            Assert.That((int)scored["responseId"]!["maxLength"]!, Is.EqualTo(ContractLimits.IdLength));
            Assert.That((int)scored["query"]!["maxLength"]!, Is.EqualTo(ContractLimits.TextLength));
            Assert.That((int)common["ConversationTurn"]!["properties"]!["text"]!["maxLength"]!, Is.EqualTo(ContractLimits.TextLength));
            Assert.That((int)common["RetrievedSource"]!["properties"]!["snippet"]!["maxLength"]!, Is.EqualTo(ContractLimits.SnippetLength));
            Assert.That((int)common["ResponseContext"]!["properties"]!["recentTurns"]!["maxItems"]!, Is.EqualTo(ContractLimits.ListItems));
            Assert.That((int)common["Scores"]!["maxProperties"]!, Is.EqualTo(ContractLimits.ListItems));
            Assert.That((int)common["Scores"]!["propertyNames"]!["maxLength"]!, Is.EqualTo(ContractLimits.NameLength));
        });
    }

    [Test]
    public void A_response_at_every_limit_passes()
    {
        var atLimits = Scored() with
        {
            ResponseId = new string('r', ContractLimits.IdLength),
            Query = new string('q', ContractLimits.TextLength),
            Context = new ResponseContext
            {
                RecentTurns = [.. Enumerable.Repeat(new ConversationTurn { Role = "user", Text = "hi" }, ContractLimits.ListItems)],
                RetrievedSources = [new RetrievedSource { Id = "kb-1", Snippet = new string('s', ContractLimits.SnippetLength) }],
            },
            CommitteeScores = Enumerable.Range(0, ContractLimits.ListItems).ToDictionary(i => $"model-{i}", _ => 0.5),
        };

        Assert.That(ResponseScoredValidator.Check(atLimits).Problems, Is.Empty);
    }

    [Test]
    public void A_response_past_a_limit_or_with_a_non_finite_number_is_refused_naming_the_field()
    {
        var past = Scored() with
        {
            ResponseId = new string('r', ContractLimits.IdLength + 1),
            Response = new string('a', ContractLimits.TextLength + 1),
            Confidence = double.NaN,
            Sentiment = double.PositiveInfinity,
            Context = new ResponseContext
            {
                RecentTurns = [new ConversationTurn { Role = "user", Text = new string('t', ContractLimits.TextLength + 1) }],
                RetrievedSources = [.. Enumerable.Repeat(new RetrievedSource { Id = "kb" }, ContractLimits.ListItems + 1)],
            },
            CommitteeScores = new Dictionary<string, double> { ["gpt"] = double.NegativeInfinity },
        };

        var fields = ResponseScoredValidator.Check(past).ByField();

        Assert.That(fields.Keys, Is.EquivalentTo(new[]
        {
            "responseId", "response", "confidence", "sentiment", "committeeScores.gpt", "context.recentTurns[0].text", "context.retrievedSources",
        }));
        Assert.That(fields["confidence"].Single(), Does.Contain("confidence must lie in 0..1 (was NaN)"));
        Assert.That(fields["responseId"].Single(), Does.Contain($"more than {ContractLimits.IdLength}"));
    }

    private static JsonNode Load(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(Schemas, file)))!;

    /// <summary>Records every string without maxLength (enums aside), array without maxItems and map without maxProperties.</summary>
    private static void Walk(JsonNode schema, string path, List<string> unbounded, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var (file, pointer) = reference.Split('#') is [var f, var p] ? (f, p) : (reference, "");
            var target = Load(string.IsNullOrEmpty(file) ? "common.schema.json" : file);
            foreach (var part in pointer.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                target = target[part]!;
            }

            Walk(target, path, unbounded, depth + 1);
            return;
        }

        foreach (var option in (schema["anyOf"] as JsonArray ?? []).Concat(schema["oneOf"] as JsonArray ?? []))
        {
            Walk(option!, path, unbounded, depth + 1);
        }

        var types = schema["type"] switch
        {
            JsonValue one => [one.GetValue<string>()],
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToHashSet(),
            _ => new HashSet<string>(),
        };
        if (types.Contains("string") && schema["maxLength"] is null && schema["enum"] is null && schema["format"] is null && schema["pattern"] is null)
        {
            unbounded.Add($"{path}: a string without maxLength");
        }

        if (types.Contains("array"))
        {
            if (schema["maxItems"] is null)
            {
                unbounded.Add($"{path}: an array without maxItems");
            }

            Walk(schema["items"]!, path + "[]", unbounded, depth + 1);
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, property) in properties)
            {
                Walk(property!, $"{path}.{name}", unbounded, depth + 1);
            }
        }
        else if (types.Contains("object") && schema["additionalProperties"] is JsonObject && schema["maxProperties"] is null)
        {
            unbounded.Add($"{path}: a map without maxProperties");
        }
    }
}
