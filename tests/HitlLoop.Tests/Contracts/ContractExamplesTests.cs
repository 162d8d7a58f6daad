using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;
using HitlLoop.Tests.Support;

namespace HitlLoop.Tests.Contracts;

/// <summary>The example messages a non-.NET producer copies must read into the records the services consume.</summary>
public sealed class ContractExamplesTests
{
    private static readonly string ContractsFolder = Repository.PathOf("contracts");

    private static IEnumerable<TestCaseData> Examples() =>
        typeof(ResponseScored).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsEnum && File.Exists(Path.Combine(ContractsFolder, "schemas", $"{t.Name}.schema.json")))
            .Select(t => new TestCaseData(t).SetName($"The_{t.Name}_example_reads_into_its_record"));

    [TestCaseSource(nameof(Examples))]
    public void Example_reads_into_its_record(Type eventType)
    {
        var json = File.ReadAllText(Path.Combine(ContractsFolder, "examples", $"{eventType.Name}.json"));

        var message = JsonSerializer.Deserialize(json, eventType, MessageJson.Options);
        var roundTrip = JsonSerializer.Serialize(message, eventType, MessageJson.Options);

        Assert.That(message, Is.Not.Null);
        Assert.That(JsonDocument.Parse(roundTrip).RootElement.EnumerateObject().Count(), Is.GreaterThan(1));
    }

    [Test]
    public void Every_event_has_a_schema_and_an_example()
    {
        string[] events = ["ResponseScored", "ReviewRequested", "ReviewCompleted", "CorrectionAccepted", "UserFeedbackSubmitted", "PatternLearned", "RetrainRequested", "RetrainCompleted", "ReviewerAgreementMeasured", "PatternRecurrenceMeasured", "ReviewRateMeasured", "CorrectionFirstServed", "AlertRaised", "RetrainEvaluated"];

        Assert.That(events.Where(e => !File.Exists(Path.Combine(ContractsFolder, "schemas", $"{e}.schema.json"))), Is.Empty);
        Assert.That(events.Where(e => !File.Exists(Path.Combine(ContractsFolder, "examples", $"{e}.json"))), Is.Empty);
        Assert.That(Examples().Count(), Is.EqualTo(events.Length));
    }

    [Test]
    public void The_response_scored_example_carries_what_the_router_needs()
    {
        var json = File.ReadAllText(Path.Combine(ContractsFolder, "examples", "ResponseScored.json"));

        var scored = JsonSerializer.Deserialize<ResponseScored>(json, MessageJson.Options)!;

        Assert.That(scored.ResponseId, Is.Not.Empty);
        Assert.That(scored.Confidence, Is.InRange(0.0, 1.0));
        Assert.That(scored.Context.RecentTurns, Is.Not.Empty);
    }
}
