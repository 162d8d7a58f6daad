using HitlLoop.Contracts;
using HitlLoop.Tests.Support;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Consumers;
using HitlLoop.TrainingOrchestrator.Storage;
using MassTransit.Testing;

namespace HitlLoop.Tests.TrainingOrchestrator;

public sealed class RetrainCompletedConsumerTests
{
    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start() =>
        _harness = await ServiceHarness.StartAsync(
            [new TrainingOrchestratorService()],
            new Dictionary<string, string?>
            {
                ["TrainingOrchestrator:RetrainThreshold"] = "2",
                ["TrainingOrchestrator:BaseModelVersion"] = "bot-v1",
                ["TrainingOrchestrator:Cooldown"] = "00:00:00",
                ["TrainingOrchestrator:MaxOpenRequests"] = "100",
                ["TrainingOrchestrator:Gate:Metric"] = "winRate",
            });

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private IModelRegistry Models => _harness.Get<IModelRegistry>();

    /// <summary>A model 11% better than its baseline (win rate 0.61 against 0.55) when <paramref name="promoted"/>, 2% worse otherwise.</summary>
    private static RetrainCompleted Completed(string requestId, string model, bool promoted, int minutesAgo = 0) => new()
    {
        RequestId = requestId,
        NewModelVersion = model,
        Metrics = new Dictionary<string, double> { ["evalLoss"] = 0.42, ["winRate"] = promoted ? 0.61 : 0.539 },
        BaselineMetrics = new Dictionary<string, double> { ["evalLoss"] = 0.45, ["winRate"] = 0.55 },
        Promoted = promoted,
        CompletedAt = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo),
    };

    private async Task<RetrainRequested> RequestRetrainAsync(string datasetId, params string[] ids)
    {
        foreach (var id in ids)
        {
            await _harness.Bus.Bus.Publish(TrainingData.Correction(id));
        }

        var requested = await HarnessPolling.EventuallyAsync(
            () => _harness.Bus.Published.SoFar<RetrainRequested>().Where(r => r.DatasetId == datasetId).ToList(),
            found => found.Count > 0);
        Assert.That(requested, Is.Not.Empty, $"retrain on {datasetId} requested");
        return requested[0];
    }

    private async Task CompleteAsync(RetrainCompleted completed)
    {
        await _harness.Bus.Bus.Publish(completed);
        var consumed = _harness.Bus.GetConsumerHarness<RetrainCompletedConsumer>().Consumed;
        var handled = await HarnessPolling.EventuallyAsync(
            () => consumed.SoFar<RetrainCompleted>().Where(m => m.NewModelVersion == completed.NewModelVersion && m.RequestId == completed.RequestId).ToList(),
            found => found.Count > 0);
        Assert.That(handled, Is.Not.Empty, $"completion of {completed.NewModelVersion} consumed");
    }

    [Test]
    public async Task A_completed_retrain_is_recorded_against_the_dataset_it_trained_on()
    {
        var request = await RequestRetrainAsync("ds-000001", "gold-1", "gold-2");

        await CompleteAsync(Completed(request.RequestId, "bot-v2", promoted: true));

        var model = (await Models.ListAsync(10, CancellationToken.None)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(model.Id, Is.EqualTo("bot-v2"));
            Assert.That(model.RequestId, Is.EqualTo("rr-000001"));
            Assert.That(model.DatasetId, Is.EqualTo("ds-000001"));
            Assert.That(model.Metrics["winRate"], Is.EqualTo(0.61));
            Assert.That(model.Promoted, Is.True);
        });
    }

    [Test]
    public async Task A_completion_of_an_unknown_request_is_still_recorded()
    {
        await CompleteAsync(Completed("rr-elsewhere", "bot-hotfix", promoted: false));

        var model = (await Models.ListAsync(10, CancellationToken.None)).Single();
        Assert.That(model.Id, Is.EqualTo("bot-hotfix"));
        Assert.That(model.DatasetId, Is.Null);
    }

    [Test]
    public async Task A_redelivered_completion_keeps_its_first_record_and_models_list_newest_first()
    {
        await CompleteAsync(Completed("rr-000001", "bot-v2", promoted: true, minutesAgo: 60));
        await CompleteAsync(Completed("rr-000002", "bot-v3", promoted: false));
        await CompleteAsync(Completed("rr-000009", "bot-v2", promoted: false));

        var models = await Models.ListAsync(10, CancellationToken.None);
        Assert.That(models.Select(m => m.Id), Is.EqualTo(new[] { "bot-v3", "bot-v2" }));
        Assert.That(models[1].RequestId, Is.EqualTo("rr-000001"));
        Assert.That(models[1].Promoted, Is.True);
        var evaluated = _harness.Bus.Published.SoFar<RetrainEvaluated>();
        Assert.That(evaluated.Select(e => (e.NewModelVersion, e.Decision)), Is.EquivalentTo(new[]
        {
            ("bot-v2", ModelDecision.Promoted),
            ("bot-v3", ModelDecision.Rejected),
        }), "one decision per model: the redelivery announced nothing new");
    }

    [Test]
    public async Task The_gate_rejects_a_recommended_model_that_does_not_improve_and_the_next_retrain_keeps_the_last_promoted_base()
    {
        var first = await RequestRetrainAsync("ds-000001", "gold-1", "gold-2");
        await CompleteAsync(Completed(first.RequestId, "bot-v2", promoted: true));
        await CompleteAsync(Completed("rr-000077", "bot-v2-flat", promoted: true) with
        {
            Metrics = new Dictionary<string, double> { ["winRate"] = 0.62 },
            BaselineMetrics = new Dictionary<string, double>(),
        });

        var flat = (await Models.ListAsync(10, CancellationToken.None)).Single(m => m.Id == "bot-v2-flat");
        var second = await RequestRetrainAsync("ds-000002", "gold-3", "gold-4");

        Assert.That((flat.Promoted, flat.Recommended), Is.EqualTo((false, true)), "1.6% on bot-v2's 0.61 is under the 3% margin");
        Assert.That(flat.Evaluation!.BaselineSource, Is.EqualTo("promoted model"));
        Assert.That(second.BaseModelVersion, Is.EqualTo("bot-v2"));
        var evaluated = await HarnessPolling.EventuallyAsync(
            () => _harness.Bus.Published.SoFar<RetrainEvaluated>().Where(e => e.NewModelVersion == "bot-v2-flat").ToList(), found => found.Count > 0);
        Assert.That(evaluated.Single().Reasons.Single(), Does.Contain("needs at least 3%"));
    }

    [Test]
    public async Task The_next_retrain_starts_from_the_latest_promoted_model()
    {
        var first = await RequestRetrainAsync("ds-000001", "gold-1", "gold-2");
        Assert.That(first.BaseModelVersion, Is.EqualTo("bot-v1"), "the configured base before any retrain");

        await CompleteAsync(Completed(first.RequestId, "bot-v2", promoted: true));
        await CompleteAsync(Completed("rr-000099", "bot-v2-rejected", promoted: false));
        var second = await RequestRetrainAsync("ds-000002", "gold-3", "gold-4");

        Assert.That(second.DatasetId, Is.EqualTo("ds-000002"));
        Assert.That(second.BaseModelVersion, Is.EqualTo("bot-v2"));
    }
}
