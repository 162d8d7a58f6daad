using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Consumers;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Feedback;

/// <summary>Feedback's same-mistake rate comes from PatternLearner's events, never from its database.</summary>
public sealed class SameMistakeRateTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private static PatternRecurrenceMeasured Measured(string product, DateOnly day, int hour, long repeats, long corrections) => new()
    {
        PatternId = $"{product}/tone/p1",
        PatternType = "tone",
        ProductId = product,
        RuleVersion = 1,
        CorrectionId = $"c-{product}-{day:MMdd}-{hour}",
        Day = day,
        WindowDays = 7,
        Repeats = repeats,
        ProductRepeats = repeats,
        ProductCorrections = corrections,
        SameMistakeRate = (double)repeats / corrections,
        Working = true,
        MeasuredAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero),
    };

    [Test]
    public async Task The_rate_is_the_latest_window_measured_and_a_late_event_does_not_undo_it()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var client = app.ClientAs("lee", HitlRoles.Lead);
        var yesterday = Today.AddDays(-1);
        var events = new[]
        {
            Measured("support-bot", yesterday, 10, repeats: 1, corrections: 50),
            Measured("support-bot", Today, 9, repeats: 1, corrections: 200),
            Measured("support-bot", yesterday, 8, repeats: 1, corrections: 40),
            Measured("sales-bot", Today.AddDays(-10), 12, repeats: 2, corrections: 30),
        };
        var store = app.Services.GetRequiredService<IFeedbackStore>();
        foreach (var measured in events)
        {
            await store.RecordSameMistakeAsync(SameMistakeMeasure.From(measured), CancellationToken.None);
        }

        var product = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics?productId=support-bot");
        var overall = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics");
        var quiet = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics?productId=sales-bot");
        var daily = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics/daily?productId=support-bot&days=3");

        Assert.Multiple(() =>
        {
            var rate = product!["sameMistakeRate"]!;
            Assert.That((double)rate["value"]!, Is.EqualTo(0.005).Within(1e-12), "today's window: 1 of 200");
            Assert.That((bool)rate["meetsTarget"]!, Is.True);
            Assert.That((string?)rate["note"], Does.Contain("1 of 200 corrections in the last 7 days"));

            // sales-bot's only repeat left its window days ago: none since, so nothing is added to the overall rate.
            Assert.That((double)overall!["sameMistakeRate"]!["value"]!, Is.EqualTo(0.005).Within(1e-12));
            Assert.That((double)quiet!["sameMistakeRate"]!["value"]!, Is.Zero);
            Assert.That((string?)quiet["sameMistakeRate"]!["note"], Does.Contain("no mistake repeated in the last 7 days"));

            var days = daily!["days"]!.AsArray();
            Assert.That(days.Select(d => (double?)d!["sameMistakeRate"]), Is.EqualTo(new double?[] { null, 0.02, 0.005 }), "yesterday keeps its later measure, 1 of 50");
        });
    }

    [Test]
    public async Task Before_any_event_the_rate_is_not_measured_rather_than_zero()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var client = app.ClientAs("lee", HitlRoles.Lead);

        var rate = (await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics"))!["sameMistakeRate"]!;

        Assert.That(rate["value"], Is.Null);
        Assert.That(rate["meetsTarget"], Is.Null);
        Assert.That((string?)rate["note"], Does.Contain("PatternRecurrenceMeasured"));
    }

    [Test]
    public async Task Feedback_consumes_the_event_into_the_product_s_latest_and_day_figures()
    {
        await using var harness = await ServiceHarness.StartAsync([new FeedbackService()]);
        var store = harness.Get<IFeedbackStore>();

        await harness.Bus.Bus.Publish(Measured("support-bot", Today, 9, repeats: 3, corrections: 120));

        var latest = await Eventually.Get(() => store.LatestSameMistakesAsync("support-bot", CancellationToken.None), found => found.Count == 1, what: "the latest figures");

        // The day's figures are written after the latest ones.
        var day = await Eventually.Get(() => store.SameMistakeOnAsync("support-bot", Today.ToDateTime(TimeOnly.MinValue), CancellationToken.None), found => found is not null, what: "the day's figures");
        Assert.That(latest[0].Rate, Is.EqualTo(0.025).Within(1e-12));
        Assert.That(day?.Rate, Is.EqualTo(0.025).Within(1e-12));
    }

    [Test]
    public async Task A_malformed_measure_faults_naming_the_field_and_stores_nothing()
    {
        await using var harness = await ServiceHarness.StartAsync([new FeedbackService()]);

        await harness.Bus.Bus.Publish(Measured("support-bot", Today, 9, repeats: 1, corrections: 10) with { SameMistakeRate = 1.5, ProductCorrections = -1 });

        var fault = await harness.Bus.Published.SelectAsync<Fault<PatternRecurrenceMeasured>>().FirstOrDefault();
        var message = fault?.Context.Message.Exceptions[0].Message;
        Assert.That(message, Does.Contain("sameMistakeRate").And.Contain("productCorrections"));
        Assert.That(await harness.Get<IFeedbackStore>().LatestSameMistakesAsync(null, CancellationToken.None), Is.Empty);
        Assert.That(await harness.Bus.GetConsumerHarness<PatternRecurrenceMeasuredConsumer>().Consumed.Any<PatternRecurrenceMeasured>(), Is.True);
    }
}
