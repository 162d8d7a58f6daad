using HitlLoop.ServiceDefaults;
using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Consumers;
using HitlLoop.Feedback.Storage;
using HitlLoop.Tests.Support;
using MassTransit;
using MassTransit.Testing;

namespace HitlLoop.Tests.Feedback;

public sealed class UserFeedbackConsumerTests
{
    private ServiceHarness _harness = null!;

    [SetUp]
    public async Task Start() => _harness = await ServiceHarness.StartAsync([new FeedbackService()]);

    [TearDown]
    public async Task Stop() => await _harness.DisposeAsync();

    private static UserFeedbackSubmitted Reaction(string id, bool? thumbsUp = null, int? rating = null) => new()
    {
        FeedbackId = id,
        ResponseId = "resp-" + id,
        ProductId = "support-bot",
        ThumbsUp = thumbsUp,
        Rating = rating,
        SubmittedAt = DateTimeOffset.UtcNow,
    };

    private Task<UserFeedbackCounts> Counts() => _harness.Get<IFeedbackStore>().CountUserFeedbackAsync("support-bot", CancellationToken.None);

    [Test]
    public async Task Thumbs_and_ratings_count_as_positive_negative_or_neutral_once_each()
    {
        foreach (var reaction in new[] { Reaction("a", thumbsUp: true), Reaction("b", thumbsUp: false), Reaction("c", rating: 5), Reaction("d", rating: 3), Reaction("a", thumbsUp: true) })
        {
            await _harness.Bus.Bus.Publish(reaction);
        }

        var counts = await Eventually.Get(Counts, c => c.Total == 4, what: "four recorded reactions");
        var consumed = _harness.Bus.GetConsumerHarness<UserFeedbackSubmittedConsumer>().Consumed;
        await HarnessPolling.EventuallyAsync(() => consumed.SoFar<UserFeedbackSubmitted>(), all => all.Count == 5);

        Assert.That(counts, Is.EqualTo(new UserFeedbackCounts(Total: 4, Positive: 2, Negative: 1)));
        Assert.That(await Counts(), Is.EqualTo(counts));
    }

    [Test]
    public async Task A_reaction_without_thumbs_or_rating_faults_naming_what_is_missing()
    {
        await _harness.Bus.Bus.Publish(Reaction("empty"));

        var fault = await _harness.Bus.Published.SelectAsync<Fault<UserFeedbackSubmitted>>().FirstOrDefault();

        Assert.That(fault?.Context.Message.Exceptions[0].Message, Does.Contain("thumbsUp or rating is required"));
        Assert.That((await Counts()).Total, Is.Zero);
    }

    [TestCase(0)]
    [TestCase(6)]
    public void A_rating_outside_1_to_5_is_invalid(int rating) =>
        Assert.That(UserFeedbackChecks.Problems(Reaction("r", rating: rating)), Has.Some.Contains("rating must lie in 1..5"));
}
