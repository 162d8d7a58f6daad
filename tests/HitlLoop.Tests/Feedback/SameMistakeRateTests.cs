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

/// <summary>
/// Feedback's same-mistake rate: PatternLearner's repeats among Router's responses, both from their events, never from
/// their databases.
/// </summary>
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

    private static ReviewRateDay Responses(string product, DateOnly day, long responses) => new()
    {
        Id = ReviewRateDay.IdOf(product, day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
        ProductId = product,
        Day = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        Responses = responses,
        Reviewed = responses / 10,
        MeasuredAt = day.ToDateTime(new TimeOnly(23, 0), DateTimeKind.Utc),
    };

    [Test]
    public async Task The_rate_is_the_week_s_repeats_among_its_responses_each_repeat_counted_once()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var client = app.ClientAs("lee", HitlRoles.Lead);
        var store = app.Services.GetRequiredService<IFeedbackStore>();
        var yesterday = Today.AddDays(-1);
        foreach (var (scope, day, responses) in new[] { ("support-bot", yesterday, 300L), ("support-bot", Today, 100L), ("sales-bot", Today, 500L), ("sales-bot", Today.AddDays(-10), 50L) })
        {
            await store.RecordReviewRateAsync(Responses(scope, day, responses), CancellationToken.None);
        }

        var repeats = new[]
        {
            Measured("support-bot", yesterday, 10, repeats: 1, corrections: 50),
            Measured("support-bot", Today, 9, repeats: 2, corrections: 200),
            Measured("support-bot", Today, 9, repeats: 2, corrections: 200) with { PatternId = "support-bot/verbose/p2" },
            Measured("support-bot", Today, 11, repeats: 3, corrections: 201),
            Measured("sales-bot", Today.AddDays(-10), 12, repeats: 2, corrections: 30),
        };
        foreach (var measured in repeats)
        {
            await store.RecordRepeatedMistakeOnceAsync(RepeatedMistake.From(measured), CancellationToken.None);
        }

        var product = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics?productId=support-bot");
        var overall = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics");
        var quiet = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics?productId=sales-bot");
        var daily = await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics/daily?productId=support-bot&days=3");

        Assert.Multiple(() =>
        {
            // The correction that repeated two rules' mistakes is one repeated answer: 3 of 400.
            var rate = product!["sameMistakeRate"]!;
            Assert.That((double)rate["value"]!, Is.EqualTo(3.0 / 400).Within(1e-12));
            Assert.That((bool)rate["meetsTarget"]!, Is.True);
            Assert.That((string?)rate["note"], Does.Contain("3 of 400 responses of the last 7 days"));

            // sales-bot's repeat is ten days old, outside the week: 3 of 900 overall, none of its 500 responses.
            Assert.That((double)overall!["sameMistakeRate"]!["value"]!, Is.EqualTo(3.0 / 900).Within(1e-12));
            Assert.That((double)quiet!["sameMistakeRate"]!["value"]!, Is.Zero);

            var days = daily!["days"]!.AsArray();
            Assert.That(days.Select(d => (double?)d!["sameMistakeRate"]), Is.EqualTo(new double?[] { null, 1.0 / 300, 2.0 / 100 }), "a day without responses has no rate");
        });
    }

    [Test]
    public async Task A_week_of_responses_over_the_target_breaches_it()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var client = app.ClientAs("lee", HitlRoles.Lead);
        var store = app.Services.GetRequiredService<IFeedbackStore>();
        await store.RecordReviewRateAsync(Responses("support-bot", Today, 200), CancellationToken.None);
        for (var hour = 0; hour < 4; hour++)
        {
            await store.RecordRepeatedMistakeOnceAsync(RepeatedMistake.From(Measured("support-bot", Today, hour, repeats: hour + 1, corrections: 20)), CancellationToken.None);
        }

        var rate = (await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics?productId=support-bot"))!["sameMistakeRate"]!;

        Assert.That((double)rate["value"]!, Is.EqualTo(0.02).Within(1e-12));
        Assert.That((bool)rate["meetsTarget"]!, Is.False);
    }

    [Test]
    public async Task Before_any_response_is_counted_the_rate_is_not_measured_rather_than_zero()
    {
        await using var app = new HitlApp<FeedbackService>();
        using var client = app.ClientAs("lee", HitlRoles.Lead);

        var rate = (await client.GetFromJsonAsync<JsonObject>("/api/feedback/metrics"))!["sameMistakeRate"]!;

        Assert.That(rate["value"], Is.Null);
        Assert.That(rate["meetsTarget"], Is.Null);
        Assert.That((string?)rate["note"], Does.Contain("ReviewRateMeasured"));
    }

    [Test]
    public async Task Feedback_consumes_the_event_into_one_repeat_however_often_it_comes()
    {
        await using var harness = await ServiceHarness.StartAsync([new FeedbackService()]);
        var store = harness.Get<IFeedbackStore>();
        var day = Today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        await harness.Bus.Bus.Publish(Measured("support-bot", Today, 9, repeats: 3, corrections: 120));
        await harness.Bus.Bus.Publish(Measured("support-bot", Today, 9, repeats: 3, corrections: 120));
        await harness.Bus.Bus.Publish(Measured("support-bot", Today, 10, repeats: 4, corrections: 121));

        var consumed = harness.Bus.GetConsumerHarness<PatternRecurrenceMeasuredConsumer>().Consumed.SelectAsync<PatternRecurrenceMeasured>();
        Assert.That(await AsyncElementListExtensions.Take(consumed, 3).Count(), Is.EqualTo(3));
        Assert.That(await store.CountRepeatedMistakesAsync("support-bot", day, day.AddDays(1), CancellationToken.None), Is.EqualTo(2));
    }

    [Test]
    public async Task A_malformed_measure_faults_naming_the_field_and_stores_nothing()
    {
        await using var harness = await ServiceHarness.StartAsync([new FeedbackService()]);

        await harness.Bus.Bus.Publish(Measured("support-bot", Today, 9, repeats: 1, corrections: 10) with { SameMistakeRate = 1.5, ProductCorrections = -1 });

        var fault = await harness.Bus.Published.SelectAsync<Fault<PatternRecurrenceMeasured>>().FirstOrDefault();
        var message = fault?.Context.Message.Exceptions[0].Message;
        Assert.That(message, Does.Contain("sameMistakeRate").And.Contain("productCorrections"));
        Assert.That(await harness.Get<IFeedbackStore>().CountRepeatedMistakesAsync(null, DateTime.MinValue, DateTime.MaxValue, CancellationToken.None), Is.Zero);
        Assert.That(await harness.Bus.GetConsumerHarness<PatternRecurrenceMeasuredConsumer>().Consumed.Any<PatternRecurrenceMeasured>(), Is.True);
    }
}
