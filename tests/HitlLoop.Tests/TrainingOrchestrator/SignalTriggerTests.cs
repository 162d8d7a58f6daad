using HitlLoop.Contracts;
using HitlLoop.Tests.Support;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Consumers;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HitlLoop.Tests.TrainingOrchestrator;

/// <summary>
/// The retrain triggers besides new examples: end users' negative reactions, recurring mistakes and a regressed model,
/// each configurable per product, each saying what it rests on, none firing twice on the same evidence.
/// </summary>
public sealed class SignalTriggerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private ServiceHarness _harness = null!;
    private int _corrections;
    private int _reactions;

    [SetUp]
    public async Task Start() => _harness = await ServiceHarness.StartAsync(
        [new TrainingOrchestratorService()],
        new Dictionary<string, string?>
        {
            ["TrainingOrchestrator:RetrainThreshold"] = "100",
            ["TrainingOrchestrator:Cooldown"] = "00:00:00",
            ["TrainingOrchestrator:MaxOpenRequests"] = "1",
            ["TrainingOrchestrator:Triggers:MinReactions"] = "10",
            ["TrainingOrchestrator:Triggers:Products:strict-bot:NegativeFeedbackRate"] = "0.05",
            ["TrainingOrchestrator:Triggers:Products:quiet-bot:DisabledTriggers:0"] = "negative_feedback",
            ["TrainingOrchestrator:Triggers:Products:small-bot:RetrainThreshold"] = "3",
            ["TrainingOrchestrator:Triggers:Products:pairs-bot:PreferencePairThreshold"] = "2",
            ["TrainingOrchestrator:Gate:Metric"] = "winRate",
        },
        services => services.AddSingleton<TimeProvider>(_clock));

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private SignalWatch Watch => _harness.Get<SignalWatch>();

    private IDatasetStore Store => _harness.Get<IDatasetStore>();

    private async Task AcceptAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _harness.Get<RetrainCoordinator>().AcceptAsync(TrainingData.Correction($"gold-{++_corrections}"), CancellationToken.None);
        }
    }

    private async Task<SnapshotResult?> ReactAsync(string product, bool thumbsUp, string? feedbackId = null) =>
        await Watch.ReactedAsync(
            new UserFeedbackSubmitted { FeedbackId = feedbackId ?? $"fb-{++_reactions}", ResponseId = $"r-{_reactions}", ProductId = product, ThumbsUp = thumbsUp, SubmittedAt = Now.AddHours(-_reactions) },
            CancellationToken.None);

    [Test]
    public async Task More_than_a_fifth_of_a_product_s_reactions_negative_over_the_week_asks_for_a_retrain_once()
    {
        await AcceptAsync(3);
        for (var i = 0; i < 7; i++)
        {
            await ReactAsync("support-bot", thumbsUp: true);
        }

        var below = await ReactAsync("support-bot", thumbsUp: false);
        var tooFew = await ReactAsync("support-bot", thumbsUp: false);
        var fired = await ReactAsync("support-bot", thumbsUp: false);
        await AcceptAsync(1);
        var sameDay = await ReactAsync("support-bot", thumbsUp: false);
        var redelivered = await ReactAsync("support-bot", thumbsUp: false, feedbackId: "fb-10");

        Assert.That((below, tooFew?.Outcome), Is.EqualTo(((SnapshotResult?)null, (SnapshotOutcome?)null)), "1 of 8, then 2 of 9: under ten reactions");
        Assert.That(fired!.Outcome, Is.EqualTo(SnapshotOutcome.Built));
        var request = fired.Snapshot!.Request;
        Assert.That((request.TriggerReason, request.ProductId, request.Counts.Examples), Is.EqualTo(("negative_feedback", "support-bot", 3)));
        Assert.That(request.Evidence["negativeRate"], Is.EqualTo(0.3).Within(1e-12));
        Assert.That((request.Evidence["ratedReactions"], request.Evidence["windowDays"], request.Evidence["threshold"]), Is.EqualTo((10.0, 7.0, 0.2)));
        Assert.That(sameDay!.Outcome, Is.EqualTo(SnapshotOutcome.NotDue), "the same product's day does not ask twice");
        Assert.That(redelivered!.Outcome, Is.EqualTo(SnapshotOutcome.NotDue));
        Assert.That((await Store.LatestSnapshotAsync(CancellationToken.None))!.Id, Is.EqualTo("ds-000001"));
    }

    [Test]
    public async Task The_threshold_and_the_trigger_itself_are_set_per_product()
    {
        await AcceptAsync(1);
        for (var i = 0; i < 9; i++)
        {
            await ReactAsync("quiet-bot", thumbsUp: false);
            await ReactAsync("strict-bot", thumbsUp: true);
        }

        var quiet = await ReactAsync("quiet-bot", thumbsUp: false);
        var strict = await ReactAsync("strict-bot", thumbsUp: false);

        Assert.That(quiet, Is.Null, "the trigger is off for quiet-bot");
        Assert.That((strict!.Outcome, strict.Snapshot!.Request.ProductId), Is.EqualTo((SnapshotOutcome.Built, "strict-bot")), "1 of 10 is over strict-bot's 5%");
    }

    [Test]
    public async Task Mistakes_recurring_above_the_target_ask_for_a_retrain_with_enough_corrections_behind_them()
    {
        await AcceptAsync(2);
        PatternRecurrenceMeasured Measured(double rate, long corrections) => new()
        {
            PatternId = "p1", PatternType = "tone", ProductId = "support-bot", CorrectionId = "c1", Day = new DateOnly(2026, 12, 2), WindowDays = 7,
            Repeats = 2, ProductRepeats = (long)(rate * corrections), ProductCorrections = corrections, SameMistakeRate = rate, Working = false,
        };

        var onTarget = await Watch.RecurredAsync(Measured(0.005, 400), CancellationToken.None);
        var thin = await Watch.RecurredAsync(Measured(0.10, 10), CancellationToken.None);
        var shifted = await Watch.RecurredAsync(Measured(0.05, 40), CancellationToken.None);

        Assert.That((onTarget, thin), Is.EqualTo(((SnapshotResult?)null, (SnapshotResult?)null)));
        var request = shifted!.Snapshot!.Request;
        Assert.That((request.TriggerReason, request.ProductId), Is.EqualTo(("pattern_shift", "support-bot")));
        Assert.That((request.Evidence["sameMistakeRate"], request.Evidence["corrections"]), Is.EqualTo((0.05, 40.0)));
    }

    [Test]
    public async Task A_retrained_model_worse_than_the_serving_one_asks_for_another_retrain_on_the_data_since()
    {
        await AcceptAsync(1);
        await _harness.Get<RetrainCoordinator>().RequestManuallyAsync(CancellationToken.None);
        await AcceptAsync(1);
        var completed = new RetrainCompleted
        {
            RequestId = "rr-000001",
            NewModelVersion = "bot-worse",
            Metrics = new Dictionary<string, double> { ["winRate"] = 0.45 },
            BaselineMetrics = new Dictionary<string, double> { ["winRate"] = 0.50 },
            Promoted = true,
        };

        await _harness.Get<ModelVersionRecorder>().RecordAsync(completed, CancellationToken.None);
        await _harness.Get<ModelVersionRecorder>().RecordAsync(completed, CancellationToken.None);

        var latest = await Store.LatestSnapshotAsync(CancellationToken.None);
        Assert.That((latest!.Id, latest.TriggerReason, latest.Request.ProductId), Is.EqualTo(("ds-000002", "evaluation_regression", (string?)null)));
        Assert.That(latest.Evidence["improvement"], Is.EqualTo(-0.1).Within(1e-12));
        Assert.That(latest.Counts.Examples, Is.EqualTo(2));
        Assert.That((await Store.FindSnapshotByRequestAsync("rr-000001", CancellationToken.None))!.Status, Is.EqualTo(RetrainStatus.Rejected));
    }

    [Test]
    public async Task A_reaction_arrives_by_its_event_and_a_malformed_one_faults()
    {
        await _harness.Bus.Bus.Publish(new UserFeedbackSubmitted { FeedbackId = "fb-bus", ResponseId = "r-bus", ProductId = "support-bot", ThumbsUp = false, SubmittedAt = Now });
        await _harness.Bus.Bus.Publish(new UserFeedbackSubmitted { FeedbackId = "", ResponseId = "r-bad", ProductId = "support-bot", ThumbsUp = false });

        var consumed = await HarnessPolling.EventuallyAsync(
            () => _harness.Bus.GetConsumerHarness<UserFeedbackSubmittedConsumer>().Consumed.SoFar<UserFeedbackSubmitted>(), all => all.Count >= 2);
        var fault = await _harness.Bus.Published.SelectAsync<MassTransit.Fault<UserFeedbackSubmitted>>().FirstOrDefault();

        Assert.That(consumed, Has.Count.EqualTo(2));
        Assert.That(fault?.Context.Message.Exceptions[0].Message, Does.Contain("feedbackId"));
        var (_, negative) = await _harness.Get<ISignalStore>().CountReactionsAsync("support-bot", [DateOnly.FromDateTime(Now.UtcDateTime)], CancellationToken.None);
        Assert.That(negative, Is.EqualTo(1));
    }

    [Test]
    public async Task A_product_with_a_threshold_of_its_own_asks_when_its_corrections_reach_it()
    {
        var coordinator = _harness.Get<RetrainCoordinator>();
        await AcceptAsync(5);
        SnapshotResult? last = null;
        for (var i = 0; i < 3; i++)
        {
            last = await coordinator.AcceptAsync(TrainingData.Correction($"small-{i}") with { ProductId = "small-bot" }, CancellationToken.None);
        }

        Assert.That(last!.Outcome, Is.EqualTo(SnapshotOutcome.Built), "three of small-bot's own, under the overall 100");
        var request = last.Snapshot!.Request;
        Assert.That((request.TriggerReason, request.ProductId, request.Counts.Examples), Is.EqualTo(("correction_threshold", "small-bot", 8)));
        Assert.That((request.Evidence["productCount"], request.Evidence["threshold"]), Is.EqualTo((3.0, 3.0)));
    }

    [Test]
    public async Task A_product_may_ask_on_its_own_preference_pairs()
    {
        var coordinator = _harness.Get<RetrainCoordinator>();
        var first = await coordinator.AcceptAsync(TrainingData.Correction("pair-1") with { ProductId = "pairs-bot" }, CancellationToken.None);
        var second = await coordinator.AcceptAsync(TrainingData.Correction("pair-2") with { ProductId = "pairs-bot" }, CancellationToken.None);

        Assert.That(first.Outcome, Is.EqualTo(SnapshotOutcome.NotDue));
        Assert.That((second.Snapshot?.Request.TriggerReason, second.Snapshot?.Request.ProductId), Is.EqualTo(("preference_pair_threshold", "pairs-bot")));
    }
}
