using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Agreement;
using HitlLoop.Feedback.Consumers;
using HitlLoop.Feedback.Corrections;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Feedback;

/// <summary>Blind multi-reviews become agreement: per item once all reviews are in, per reviewer, per product, over time.</summary>
public sealed class ReviewerAgreementTests
{
    private const string Rewrite = "Duplicate charges are always refunded in full, whatever the purchase date.";

    private static ReviewCompleted Review(string item, string reviewer, int number, ReviewVerdict verdict, int required = 2) =>
        ReviewCompletedConsumerTests.Review($"{item}/{reviewer}", verdict, verdict == ReviewVerdict.Edited ? Rewrite : null) with
        {
            ResponseId = item,
            ReviewerId = reviewer,
            RequiredReviews = required,
            ReviewNumber = number,
            CompletedAt = DateTimeOffset.UtcNow,
        };

    [Test]
    public async Task Agreement_is_measured_once_an_item_s_reviews_are_all_in_and_published_for_each_reviewer()
    {
        await using var harness = await ServiceHarness.StartAsync([new FeedbackService()]);
        var store = harness.Get<IFeedbackStore>();

        // anna and ben agree on one item and disagree on another; cleo joins ben on a third, in agreement.
        await harness.Bus.Bus.Publish(Review("item-1", "anna", 1, ReviewVerdict.Approved));
        await harness.Bus.Bus.Publish(Review("item-2", "anna", 1, ReviewVerdict.Approved));
        await harness.Bus.Bus.Publish(Review("item-3", "ben", 1, ReviewVerdict.Rejected));
        await Eventually.Get(() => store.FindReviewAsync("item-3/ben", CancellationToken.None), r => r is not null, what: "the first reviews");
        Assert.That(await harness.Bus.Published.Any<ReviewerAgreementMeasured>(), Is.False, "no item has all its reviews yet");

        await harness.Bus.Bus.Publish(Review("item-1", "ben", 2, ReviewVerdict.Approved));
        await harness.Bus.Bus.Publish(Review("item-2", "ben", 2, ReviewVerdict.Rejected));
        await harness.Bus.Bus.Publish(Review("item-3", "cleo", 2, ReviewVerdict.Rejected));
        // A redelivered review counts nothing twice.
        await harness.Bus.Bus.Publish(Review("item-1", "ben", 2, ReviewVerdict.Approved));

        var ben = await Eventually.Get(() => store.FindReviewerAsync("ben", CancellationToken.None), r => r?.PairsCompared == 3, what: "ben compared on three items");
        var anna = await Eventually.Get(() => store.FindReviewerAsync("anna", CancellationToken.None), r => r?.PairsCompared == 2, what: "anna compared on two items");
        var cleo = await Eventually.Get(() => store.FindReviewerAsync("cleo", CancellationToken.None), r => r?.PairsCompared == 1, what: "cleo compared on one item");
        await HarnessPolling.EventuallyAsync(
            () => harness.Bus.GetConsumerHarness<ReviewCompletedConsumer>().Consumed.SoFar<ReviewCompleted>(), all => all.Count == 7);

        Assert.Multiple(() =>
        {
            Assert.That((ben!.ItemsCompared, ben.PairsAgreed, ben.AgreementRate), Is.EqualTo((3L, 2L, (double?)(2.0 / 3))));
            Assert.That((anna!.ItemsCompared, anna.AgreementRate), Is.EqualTo((2L, (double?)0.5)));
            Assert.That((cleo!.ItemsCompared, cleo.AgreementRate), Is.EqualTo((1L, (double?)1.0)));
        });

        var published = await harness.Bus.Published.SelectAsync<ReviewerAgreementMeasured>(m => m.Context.Message.ReviewerId == "ben").ToListAsync();
        var latest = published.Select(m => m.Context.Message).MaxBy(m => m.ItemsCompared)!;
        Assert.That((latest.ItemsCompared, latest.Agreement), Is.EqualTo((3, 2.0 / 3)), "ReviewQueue hears ben's latest figures");
    }

    [Test]
    public async Task A_low_agreement_rejects_corrections_only_once_it_rests_on_enough_items()
    {
        await using var harness = await ServiceHarness.StartAsync(
            [new FeedbackService()], new Dictionary<string, string?> { ["Feedback:MinAgreementItems"] = "3" });
        var intake = harness.Get<ReviewIntake>();
        var agreement = harness.Get<ReviewerAgreement>();
        var store = harness.Get<IFeedbackStore>();

        async Task<ReviewRecord> DisagreeOn(string item)
        {
            await intake.RecordAsync(Review(item, "dan", 1, ReviewVerdict.Edited), CancellationToken.None);
            await intake.RecordAsync(Review(item, "eve", 2, ReviewVerdict.Approved), CancellationToken.None);
            await agreement.ItemReviewedAsync(item, 2, CancellationToken.None);
            return (await store.FindReviewAsync($"{item}/dan", CancellationToken.None))!;
        }

        var early = new[] { await DisagreeOn("d-1"), await DisagreeOn("d-2"), await DisagreeOn("d-3") };
        var judged = await DisagreeOn("d-4");

        Assert.That(early.Select(r => r.Outcome), Is.All.EqualTo(CorrectionOutcome.Held), "agreement 0 on fewer than 3 items does not judge dan yet");
        Assert.That(judged.Outcome, Is.EqualTo(CorrectionOutcome.Rejected));
        Assert.That(judged.RejectionReasons.Select(r => r.Code), Does.Contain(RejectionCodes.UnreliableReviewer));
    }

    /// <summary>
    /// The grant-proposal example of Cohen's kappa (Wikipedia, "Cohen's kappa"), as 50 items reviewed by the same two
    /// reviewers: 20 both approve, 15 both reject, 5 approve/reject, 10 reject/approve. κ = 0.4, raw agreement 0.7.
    /// </summary>
    [Test]
    public async Task The_agreement_report_gives_raw_agreement_alpha_and_kappa_per_day_reviewer_and_pair()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var client = app.ClientAs("lee", HitlRoles.Lead);
        var intake = app.Services.GetRequiredService<ReviewIntake>();
        var agreement = app.Services.GetRequiredService<ReviewerAgreement>();
        var verdicts = Enumerable.Repeat((ReviewVerdict.Approved, ReviewVerdict.Approved), 20)
            .Concat(Enumerable.Repeat((ReviewVerdict.Approved, ReviewVerdict.Rejected), 5))
            .Concat(Enumerable.Repeat((ReviewVerdict.Rejected, ReviewVerdict.Approved), 10))
            .Concat(Enumerable.Repeat((ReviewVerdict.Rejected, ReviewVerdict.Rejected), 15))
            .ToList();
        for (var i = 0; i < verdicts.Count; i++)
        {
            await intake.RecordAsync(Review($"p-{i}", "reader-1", 1, verdicts[i].Item1), CancellationToken.None);
            await intake.RecordAsync(Review($"p-{i}", "reader-2", 2, verdicts[i].Item2), CancellationToken.None);
            await agreement.ItemReviewedAsync($"p-{i}", 2, CancellationToken.None);
        }

        var report = await client.GetFromJsonAsync<JsonObject>("/api/feedback/agreement?productId=support-bot&days=7");
        var metrics = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics?productId=support-bot");
        var otherProduct = await client.GetFromJsonAsync<JsonObject>("/api/feedback/agreement?productId=sales-bot");

        Assert.Multiple(() =>
        {
            var overall = report!["overall"]!;
            Assert.That((int)overall["items"]!, Is.EqualTo(50));
            Assert.That((double)overall["rawAgreement"]!, Is.EqualTo(0.7).Within(1e-12));
            Assert.That((double)overall["cohenKappa"]!, Is.EqualTo(0.4).Within(1e-12));
            Assert.That((double)overall["krippendorffAlpha"]!, Is.EqualTo(0.4).Within(0.01), "two raters, large sample: alpha is close to kappa");
            Assert.That((bool)report["meetsTarget"]!, Is.False);
            Assert.That((int)report["daily"]!.AsArray()[^1]!["items"]!, Is.EqualTo(50), "all of them today");

            var pair = report["pairs"]!.AsArray().Single()!;
            Assert.That(((string?)pair["first"], (string?)pair["second"], (int)pair["sharedItems"]!), Is.EqualTo(("reader-1", "reader-2", 50)));
            Assert.That((double)pair["cohenKappa"]!, Is.EqualTo(0.4).Within(1e-12));
            Assert.That(report["reviewers"]!.AsArray().Select(r => (double)r!["agreement"]!), Is.All.EqualTo(0.7).Within(1e-12));

            Assert.That((double)metrics!["reviewerAgreement"]!["value"]!, Is.EqualTo(0.7).Within(1e-12));
            Assert.That((int)otherProduct!["overall"]!["items"]!, Is.Zero);
            Assert.That(otherProduct["overall"]!["rawAgreement"], Is.Null);
        });
    }

    /// <summary>Krippendorff (2011), section A, as one label of two reviewers' label sets: α = 0.095, raw agreement 0.6.</summary>
    [Test]
    public async Task Label_sets_get_agreement_per_label_over_every_item()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var client = app.ClientAs("lee", HitlRoles.Lead);
        var intake = app.Services.GetRequiredService<ReviewIntake>();
        var agreement = app.Services.GetRequiredService<ReviewerAgreement>();
        int[] first = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        int[] second = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        IReadOnlyList<string> LabelsOf(int given) => given == 1 ? ["tone", "verbose"] : ["verbose"];
        for (var i = 0; i < first.Length; i++)
        {
            await intake.RecordAsync(Review($"l-{i}", "reader-1", 1, ReviewVerdict.Approved) with { Labels = LabelsOf(first[i]) }, CancellationToken.None);
            await intake.RecordAsync(Review($"l-{i}", "reader-2", 2, ReviewVerdict.Approved) with { Labels = LabelsOf(second[i]) }, CancellationToken.None);
            await agreement.ItemReviewedAsync($"l-{i}", 2, CancellationToken.None);
        }

        var labels = (await client.GetFromJsonAsync<JsonObject>("/api/feedback/agreement"))!["labels"]!.AsArray();

        var tone = labels.Single(l => (string?)l!["label"] == "tone")!;
        var verbose = labels.Single(l => (string?)l!["label"] == "verbose")!;
        Assert.Multiple(() =>
        {
            Assert.That((int)tone["items"]!, Is.EqualTo(5));
            Assert.That((double)tone["rawAgreement"]!, Is.EqualTo(0.6).Within(1e-12));
            Assert.That((double)tone["krippendorffAlpha"]!, Is.EqualTo(0.095).Within(0.0005));
            Assert.That((double)verbose["rawAgreement"]!, Is.EqualTo(1));
            Assert.That(verbose["krippendorffAlpha"], Is.Null, "every reviewer gave it every time: no variation to agree on");
        });
    }

    [Test]
    public async Task Days_outside_1_to_90_is_a_400_naming_the_field()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var client = app.ClientAs("lee", HitlRoles.Lead);

        var response = await client.GetAsync(new Uri("/api/feedback/agreement?days=0", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"days\""));
    }
}
