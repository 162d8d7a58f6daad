using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Feedback;

/// <summary>A multi-reviewed item is decided by the consensus rule; a disagreement waits for a lead and trains nothing until then.</summary>
public sealed class ConsensusTests
{
    private const string AnnaText = "Duplicate charges are always refunded in full, whatever the purchase date.";
    private const string BenText = "We refund any duplicate charge in full; it reaches your card within five working days.";
    private const string LeadText = "Every duplicate charge is refunded in full, and the refund shows on your statement within five working days.";

    private static ReviewCompleted Review(string item, string reviewer, int number, ReviewVerdict verdict, string? text = null, int required = 2) =>
        ReviewCompletedConsumerTests.Review($"{item}/{reviewer}", verdict, text) with
        {
            ResponseId = item,
            ReviewerId = reviewer,
            RequiredReviews = required,
            ReviewNumber = number,
            CompletedAt = DateTimeOffset.UtcNow,
        };

    [TestCase(new[] { ReviewVerdict.Edited, ReviewVerdict.Edited }, ConsensusRule.Unanimous, ReviewVerdict.Edited)]
    [TestCase(new[] { ReviewVerdict.Edited, ReviewVerdict.Approved }, ConsensusRule.Unanimous, null)]
    [TestCase(new[] { ReviewVerdict.Edited, ReviewVerdict.Approved, ReviewVerdict.Edited }, ConsensusRule.Majority, ReviewVerdict.Edited)]
    [TestCase(new[] { ReviewVerdict.Edited, ReviewVerdict.Approved, ReviewVerdict.Edited }, ConsensusRule.Unanimous, null)]
    [TestCase(new[] { ReviewVerdict.Edited, ReviewVerdict.Approved }, ConsensusRule.Majority, null)]
    [TestCase(new[] { ReviewVerdict.Edited, ReviewVerdict.Approved, ReviewVerdict.Rejected }, ConsensusRule.Majority, null)]
    public void The_rule_decides_or_leaves_the_item_disputed(ReviewVerdict[] verdicts, ConsensusRule rule, ReviewVerdict? expected) =>
        Assert.That(Consensus.Decide(verdicts, rule), Is.EqualTo(expected));

    [Test]
    public async Task An_edit_both_reviewers_agree_on_becomes_one_golden_example_with_both_reviews_in_its_lineage()
    {
        await using var harness = await ServiceHarness.StartAsync([new FeedbackService()]);
        var store = harness.Get<IFeedbackStore>();

        await harness.Bus.Bus.Publish(Review("both-edit", "anna", 1, ReviewVerdict.Edited, AnnaText));
        await Eventually.Get(() => store.FindReviewAsync("both-edit/anna", CancellationToken.None), r => r is not null, what: "anna's review");
        Assert.That((await store.FindReviewAsync("both-edit/anna", CancellationToken.None))!.Outcome, Is.EqualTo(CorrectionOutcome.Held), "held until ben's review is in");
        Assert.That(await store.LatestGoldenExamplesAsync("support-bot", 10, CancellationToken.None), Is.Empty);

        await harness.Bus.Bus.Publish(Review("both-edit", "ben", 2, ReviewVerdict.Edited, BenText));
        var golden = await Eventually.Get(() => store.LatestGoldenExamplesAsync("support-bot", 10, CancellationToken.None), g => g.Count > 0, what: "the golden example");
        await harness.Bus.Bus.Publish(Review("both-edit", "ben", 2, ReviewVerdict.Edited, BenText));
        await HarnessPolling.EventuallyAsync(
            () => harness.Bus.GetConsumerHarness<HitlLoop.Feedback.Consumers.ReviewCompletedConsumer>().Consumed.SoFar<ReviewCompleted>(), all => all.Count == 3);

        var item = await store.FindReviewedItemAsync("both-edit", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await store.LatestGoldenExamplesAsync("support-bot", 10, CancellationToken.None), Has.Count.EqualTo(1), "once, whatever is redelivered");
            Assert.That(golden[0].HumanOutput, Is.EqualTo(AnnaText), "the first review's correction");
            Assert.That(golden[0].Consensus, Is.EqualTo(Consensuses.Unanimous));
            Assert.That(golden[0].ReviewIds, Is.EqualTo(new[] { "both-edit/anna", "both-edit/ben" }));
            Assert.That(golden[0].ReviewerIds, Is.EqualTo(new[] { "anna", "ben" }));
            Assert.That((item!.Status, item.Verdict, item.GoldenExampleId), Is.EqualTo((ConsensusStatus.Agreed, (ReviewVerdict?)ReviewVerdict.Edited, golden[0].Id)));
            Assert.That((await store.FindReviewAsync("both-edit/anna", CancellationToken.None))!.Outcome, Is.EqualTo(CorrectionOutcome.Accepted));
            var accepted = await harness.Bus.Published.SelectAsync<CorrectionAccepted>().ToListAsync();
            Assert.That(accepted.Select(a => a.Context.Message.GoldenExampleId).Distinct(), Is.EqualTo(new[] { golden[0].Id }));
        });
    }

    [Test]
    public async Task Under_majority_two_edits_against_one_approval_train_the_bot()
    {
        await using var harness = await ServiceHarness.StartAsync(
            [new FeedbackService()], new Dictionary<string, string?> { ["Feedback:ConsensusRule"] = "Majority" });
        var store = harness.Get<IFeedbackStore>();
        var intake = harness.Get<ReviewIntake>();
        var agreement = harness.Get<ReviewerAgreement>();

        await intake.RecordAsync(Review("three", "anna", 1, ReviewVerdict.Approved, required: 3), CancellationToken.None);
        await intake.RecordAsync(Review("three", "ben", 2, ReviewVerdict.Edited, BenText, required: 3), CancellationToken.None);
        Assert.That((await agreement.ItemReviewedAsync("three", 3, CancellationToken.None)).Accepted, Is.Null, "two of three reviews");
        await intake.RecordAsync(Review("three", "cleo", 3, ReviewVerdict.Edited, AnnaText, required: 3), CancellationToken.None);
        var outcome = await agreement.ItemReviewedAsync("three", 3, CancellationToken.None);

        Assert.That(outcome.Accepted?.CorrectedText, Is.EqualTo(BenText), "the first correction of the agreeing reviewers");
        var golden = await store.FindGoldenExampleAsync(outcome.Accepted!.GoldenExampleId, CancellationToken.None);
        Assert.That(golden!.Consensus, Is.EqualTo(Consensuses.Majority));
        Assert.That(outcome.Agreement.Select(a => a.ReviewerId), Is.EquivalentTo(new[] { "anna", "ben", "cleo" }));
    }

    [Test]
    public async Task A_disagreement_waits_for_a_lead_whose_edit_becomes_the_golden_example()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var lead = app.ClientAs("lee", HitlRoles.Lead);
        var store = app.Services.GetRequiredService<IFeedbackStore>();
        var intake = app.Services.GetRequiredService<ReviewIntake>();
        var agreement = app.Services.GetRequiredService<ReviewerAgreement>();
        await intake.RecordAsync(Review("split", "anna", 1, ReviewVerdict.Edited, AnnaText), CancellationToken.None);
        await intake.RecordAsync(Review("split", "ben", 2, ReviewVerdict.Approved), CancellationToken.None);
        var outcome = await agreement.ItemReviewedAsync("split", 2, CancellationToken.None);

        var disputed = await lead.GetFromJsonAsync<JsonArray>("/api/feedback/items/disputed?productId=support-bot");
        Assert.That(outcome.Accepted, Is.Null, "a disagreement trains nothing");
        Assert.That(await store.LatestGoldenExamplesAsync(null, 10, CancellationToken.None), Is.Empty);
        Assert.That(disputed!.Select(i => (string?)i!["id"]), Is.EqualTo(new[] { "split" }));

        var invalid = await lead.PostAsJsonAsync("/api/feedback/items/split/adjudication", new { verdict = "edited" });
        var unknownVerdict = await lead.PostAsJsonAsync("/api/feedback/items/split/adjudication", new { verdict = "maybe" });
        var decided = await lead.PostAsJsonAsync("/api/feedback/items/split/adjudication", new { verdict = "edited", correctedText = LeadText, notes = "policy: refunds in five days" });
        var again = await lead.PostAsJsonAsync("/api/feedback/items/split/adjudication", new { verdict = "approved" });
        var missing = await lead.PostAsJsonAsync($"/api/feedback/items/{Uri.EscapeDataString("no such/item?")}/adjudication", new { verdict = "approved" });

        Assert.Multiple(async () =>
        {
            Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await invalid.Content.ReadAsStringAsync(), Does.Contain("correctedText"));
            Assert.That(unknownVerdict.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await unknownVerdict.Content.ReadAsStringAsync(), Does.Contain("verdict"));
            Assert.That(decided.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });

        var golden = (await store.LatestGoldenExamplesAsync(null, 10, CancellationToken.None)).Single();
        var item = await Eventually.Get(() => store.FindReviewedItemAsync("split", CancellationToken.None), i => i is { OutboxPending: false }, what: "the CorrectionAccepted sent");
        Assert.Multiple(async () =>
        {
            Assert.That((golden.HumanOutput, golden.ReviewerId, golden.Consensus), Is.EqualTo((LeadText, "lee", Consensuses.Adjudicated)));
            Assert.That(golden.ReviewIds, Is.EqualTo(new[] { "split/anna", "split/ben" }));
            Assert.That((item!.Status, item.Verdict, item.Adjudication!.LeadId), Is.EqualTo((ConsensusStatus.Adjudicated, (ReviewVerdict?)ReviewVerdict.Edited, "lee")));
            Assert.That(await lead.GetFromJsonAsync<JsonArray>("/api/feedback/items/disputed"), Is.Empty);
        });
    }
}
