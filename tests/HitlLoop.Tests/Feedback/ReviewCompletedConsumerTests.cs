using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Consumers;
using HitlLoop.Feedback.Corrections;
using HitlLoop.Feedback.Exports;
using HitlLoop.Feedback.Storage;
using HitlLoop.Tests.Support;
using MassTransit;
using MassTransit.Testing;

namespace HitlLoop.Tests.Feedback;

public sealed class ReviewCompletedConsumerTests
{
    private const string Original = "Refunds are only possible within 14 days of purchase, so I can't refund this charge.";
    private const string Corrected = "Sorry about the double charge. Duplicate charges are always refunded in full, whatever the purchase date.";

    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start() => _harness = await ServiceHarness.StartAsync([new FeedbackService()]);

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private IFeedbackStore Store => _harness.Get<IFeedbackStore>();

    internal static ReviewCompleted Review(string reviewId, ReviewVerdict verdict, string? corrected = null) => new()
    {
        ReviewId = reviewId,
        ResponseId = "resp-" + reviewId,
        ProductId = "support-bot",
        ReviewerId = "reviewer-anna",
        Verdict = verdict,
        Query = "I was charged twice. Can I get the duplicate charge refunded?",
        Context = new ResponseContext { Category = "billing", Stage = "post-purchase" },
        OriginalText = Original,
        CorrectedText = corrected,
        Categories = ["billing", "refunds"],
        Labels = ["wrong_policy"],
        Ratings = new ReviewRatings { Overall = 2 },
        ReviewDurationSeconds = 95,
        ModelVersion = "support-bot-2025.06.1",
        PolicyVersion = "routing-policy-v3",
        CompletedAt = new DateTimeOffset(2025, 6, 12, 9, 31, 47, TimeSpan.Zero),
    };

    private async Task<bool> Consumed(string reviewId, int times = 1)
    {
        var consumed = _harness.Bus.GetConsumerHarness<ReviewCompletedConsumer>().Consumed
            .SelectAsync<ReviewCompleted>(m => m.Context.Message.ReviewId == reviewId);
        return await AsyncElementListExtensions.Take(consumed, times).Count() == times;
    }

    [Test]
    public async Task An_edited_review_becomes_a_golden_example_and_is_announced()
    {
        await _harness.Bus.Bus.Publish(Review("rev-1", ReviewVerdict.Edited, Corrected));

        var accepted = await _harness.Bus.Published.SelectAsync<CorrectionAccepted>().FirstOrDefault();
        Assert.That(accepted, Is.Not.Null);
        var message = accepted!.Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(message.GoldenExampleId, Is.EqualTo("ge-rev-1"));
            Assert.That(message.CorrectedText, Is.EqualTo(Corrected));
            Assert.That(message.OriginalText, Is.EqualTo(Original));
            Assert.That(message.Context.Category, Is.EqualTo("billing"));
            Assert.That(message.ReviewerReliability, Is.EqualTo(1.0), "unknown agreement is announced as fully reliable");
            Assert.That(message.Similarity, Is.InRange(0.0, 0.95));
        });

        var example = await Store.FindGoldenExampleAsync("ge-rev-1", CancellationToken.None);
        Assert.That(example, Is.Not.Null);
        Assert.That(example!.Query, Does.Contain("charged twice"));
        Assert.That(example.HumanOutput, Is.EqualTo(Corrected));
        Assert.That((example.ResponseId, example.ReviewId, example.ModelVersion, example.PolicyVersion),
            Is.EqualTo(("resp-rev-1", "rev-1", "support-bot-2025.06.1", "routing-policy-v3")));

        var review = await Store.FindReviewAsync("rev-1", CancellationToken.None);
        Assert.That(review?.Outcome, Is.EqualTo(CorrectionOutcome.Accepted));
        Assert.That(review!.GoldenExampleId, Is.EqualTo("ge-rev-1"));
    }

    [Test]
    public async Task The_same_correction_of_the_same_question_is_training_data_once()
    {
        await _harness.Bus.Bus.Publish(Review("rev-6", ReviewVerdict.Edited, Corrected));
        // The first is in before the others come: consumed side by side, either of the two alike could be first.
        Assert.That(await _harness.Bus.Published.Any<CorrectionAccepted>(a => a.Context.Message.ReviewId == "rev-6"), Is.True);
        await _harness.Bus.Bus.Publish(Review("rev-7", ReviewVerdict.Edited, "  " + Corrected.Replace(" ", "   ", StringComparison.Ordinal)) with { ResponseId = "resp-other" });
        await _harness.Bus.Bus.Publish(Review("rev-8", ReviewVerdict.Edited, Corrected) with { ResponseId = "resp-third", Query = "Why was I charged twice?" });

        var accepted = await AsyncElementListExtensions.Take(_harness.Bus.Published.SelectAsync<CorrectionAccepted>(), 3).ToListAsync();
        var duplicateOf = accepted.ToDictionary(a => a.Context.Message.ReviewId, a => a.Context.Message.DuplicateOf);

        Assert.That(duplicateOf, Is.EquivalentTo(new Dictionary<string, string?> { ["rev-6"] = null, ["rev-7"] = "ge-rev-6", ["rev-8"] = null }),
            "the second answer differs only in spacing; the third answers another question");
        Assert.That((await Store.FindGoldenExampleAsync("ge-rev-7", CancellationToken.None))?.DuplicateOf, Is.EqualTo("ge-rev-6"), "kept, with its lineage");
        var listed = await _harness.Get<GoldenReader>().PageAsync(new GoldenQuery("support-bot", null, null, null, null), null, 50, CancellationToken.None);
        Assert.That(listed.Items.Select(e => e.Id), Is.EquivalentTo(new[] { "ge-rev-6", "ge-rev-8" }));
    }

    [Test]
    public async Task A_too_similar_edit_is_stored_as_rejected_with_its_reason_and_nothing_is_announced()
    {
        await _harness.Bus.Bus.Publish(Review("rev-2", ReviewVerdict.Edited, Original.Replace("14", "15", StringComparison.Ordinal)));

        Assert.That(await Consumed("rev-2"), Is.True);
        var review = await Store.FindReviewAsync("rev-2", CancellationToken.None);
        Assert.That(review?.Outcome, Is.EqualTo(CorrectionOutcome.Rejected));
        Assert.That(review!.RejectionReasons.Select(r => r.Code), Is.EqualTo(new[] { RejectionCodes.TooSimilar }));
        Assert.That(await Store.FindGoldenExampleAsync("ge-rev-2", CancellationToken.None), Is.Null);
        Assert.That(await _harness.Bus.Published.Any<CorrectionAccepted>(), Is.False);
    }

    [Test]
    public async Task An_approval_is_recorded_with_nothing_to_learn()
    {
        await _harness.Bus.Bus.Publish(Review("rev-3", ReviewVerdict.Approved));

        Assert.That(await Consumed("rev-3"), Is.True);
        var review = await Store.FindReviewAsync("rev-3", CancellationToken.None);
        Assert.That(review?.Outcome, Is.EqualTo(CorrectionOutcome.NotApplicable));
        Assert.That(review!.Verdict, Is.EqualTo(ReviewVerdict.Approved));
        Assert.That(await _harness.Bus.Published.Any<CorrectionAccepted>(), Is.False);
    }

    [Test]
    public async Task Personal_data_a_reviewer_types_into_a_correction_never_becomes_training_data()
    {
        await _harness.Bus.Bus.Publish(Review("rev-pii", ReviewVerdict.Edited, Corrected + " Questions? Write to anna.reviewer@example.com."));

        var accepted = await _harness.Bus.Published.SelectAsync<CorrectionAccepted>().FirstOrDefault();
        Assert.That(accepted?.Context.Message.CorrectedText, Is.EqualTo(Corrected + " Questions? Write to [EMAIL]."));
    }

    [Test]
    public async Task An_edit_the_reviewer_marked_not_to_learn_from_is_not_training_data()
    {
        await _harness.Bus.Bus.Publish(Review("rev-4", ReviewVerdict.Edited, Corrected) with { ShouldLearn = false });

        Assert.That(await Consumed("rev-4"), Is.True);
        Assert.That((await Store.FindReviewAsync("rev-4", CancellationToken.None))?.Outcome, Is.EqualTo(CorrectionOutcome.NotApplicable));
        Assert.That(await _harness.Bus.Published.Any<CorrectionAccepted>(), Is.False);
    }

    [Test]
    public async Task A_duplicate_review_is_recorded_once_and_its_correction_announced_again()
    {
        await _harness.Bus.Bus.Publish(Review("rev-5", ReviewVerdict.Edited, Corrected));
        await _harness.Bus.Bus.Publish(Review("rev-5", ReviewVerdict.Edited, Corrected));

        Assert.That(await Consumed("rev-5", times: 2), Is.True);
        var counts = await Store.CountReviewsAsync("support-bot", CancellationToken.None);
        Assert.That(counts.Reviews, Is.EqualTo(1));
        Assert.That(counts.CorrectionsAccepted, Is.EqualTo(1));
        Assert.That(await Store.LatestGoldenExamplesAsync("support-bot", 10, CancellationToken.None), Has.Count.EqualTo(1));

        var announced = await AsyncElementListExtensions.Take(_harness.Bus.Published.SelectAsync<CorrectionAccepted>(), 2).ToListAsync();
        Assert.That(announced.Select(m => m.Context.Message.GoldenExampleId), Is.EqualTo(new[] { "ge-rev-5", "ge-rev-5" }));
        Assert.That(announced[1].Context.Message.AcceptedAt, Is.EqualTo(announced[0].Context.Message.AcceptedAt));
    }

    [Test]
    public async Task Each_review_updates_the_reviewers_stats()
    {
        await _harness.Bus.Bus.Publish(Review("rev-6", ReviewVerdict.Approved));
        await _harness.Bus.Bus.Publish(Review("rev-7", ReviewVerdict.Rejected));

        Assert.That(await Consumed("rev-6") && await Consumed("rev-7"), Is.True);
        var stats = await Store.FindReviewerAsync("reviewer-anna", CancellationToken.None);
        Assert.That(stats?.ReviewsCompleted, Is.EqualTo(2));
        Assert.That(stats!.AgreementRate, Is.Null, "agreement stays unknown until items get more than one reviewer");
    }

    [TestCase("reviewId")]
    [TestCase("responseId")]
    [TestCase("reviewerId")]
    [TestCase("correctedText")]
    public async Task An_invalid_review_faults_with_a_validation_error_naming_the_field(string missing)
    {
        var review = Review("bad-1", ReviewVerdict.Edited, Corrected);
        review = missing switch
        {
            "reviewId" => review with { ReviewId = "" },
            "responseId" => review with { ResponseId = " " },
            "reviewerId" => review with { ReviewerId = "" },
            _ => review with { CorrectedText = null },
        };

        await _harness.Bus.Bus.Publish(review);

        var fault = await _harness.Bus.Published.SelectAsync<Fault<ReviewCompleted>>().FirstOrDefault();
        Assert.That(fault, Is.Not.Null);
        var exception = fault!.Context.Message.Exceptions[0];
        Assert.That(exception.ExceptionType, Does.Contain(nameof(HitlLoop.ServiceDefaults.MessageValidationException)));
        Assert.That(exception.Message, Does.Contain(missing));
        Assert.That(await _harness.Get<IFeedbackStore>().CountReviewsAsync(null, CancellationToken.None), Has.Property("Reviews").EqualTo(0));
    }
}
