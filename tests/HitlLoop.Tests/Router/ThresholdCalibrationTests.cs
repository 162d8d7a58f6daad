using System.Net.Http.Json;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Signals;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Testing;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Router;

/// <summary>Thresholds start strict and move with reviewers' verdicts: relax while the band under them is right, tighten when it is not.</summary>
public sealed class ThresholdCalibrationTests
{
    private static readonly DateTime Noon = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly CalibrationOptions Options = new();

    private static ThresholdCalibration Strict() => ThresholdCalibration.Start("support-bot", "billing", 0.9);

    /// <summary>Counts <paramref name="reviews"/> first reviews just under the current threshold, the first <paramref name="corrected"/> corrected.</summary>
    private static ThresholdCalibration Reviewed(ThresholdCalibration calibration, int reviews, int corrected, string prefix = "rv")
    {
        for (var i = 0; i < reviews; i++)
        {
            calibration = calibration.With($"{prefix}-{i}", calibration.Threshold - 0.01, audit: false, corrected: i < corrected, Noon.AddMinutes(i), Options)!;
        }

        return calibration;
    }

    [Test]
    public void Thirty_clean_reviews_in_the_band_relax_the_threshold_one_step_with_the_evidence()
    {
        var before = Reviewed(Strict(), 29, corrected: 0);
        var after = Reviewed(before, 1, corrected: 0, prefix: "last");

        Assert.That(before.Threshold, Is.EqualTo(0.9), "29 reviews are not evidence enough");
        Assert.That(after.Threshold, Is.EqualTo(0.88));
        var change = after.Changes.Single();
        Assert.That((change.From, change.To, change.Direction), Is.EqualTo((0.9, 0.88, "relaxed")));
        Assert.That(change.Evidence, Is.EqualTo("0 of 30 reviews in 0.85..0.90 were corrected (0.0% < 5.0%)"));
        Assert.That((after.BandReviews, after.BandCorrections), Is.EqualTo((0, 0)), "the evidence starts again");
    }

    [Test]
    public void Corrections_in_the_band_tighten_it()
    {
        var after = Reviewed(Strict(), 30, corrected: 3);

        Assert.That(after.Threshold, Is.EqualTo(0.92));
        Assert.That(after.Changes.Single().Evidence, Is.EqualTo("3 of 30 reviews in 0.85..0.90 were corrected (10.0% > 5.0%)"));
    }

    [Test]
    public void It_relaxes_step_by_step_to_the_floor_and_no_further()
    {
        var calibration = Strict();
        for (var round = 0; round < 8; round++)
        {
            calibration = Reviewed(calibration, 30, corrected: 1, prefix: $"round-{round}");
        }

        Assert.That(calibration.Changes.Select(c => c.To), Is.EqualTo(new[] { 0.88, 0.86, 0.84, 0.82, 0.8 }));
        Assert.That(calibration.Threshold, Is.EqualTo(0.8));
    }

    [Test]
    public void Confident_but_wrong_audits_tighten_it()
    {
        var calibration = Strict();
        for (var i = 0; i < 20; i++)
        {
            calibration = calibration.With($"audit-{i}", 0.97, audit: true, corrected: i < 2, Noon, Options)!;
        }

        Assert.That(calibration.Threshold, Is.EqualTo(0.92));
        Assert.That(calibration.Changes.Single().Evidence, Is.EqualTo("2 of 20 audited auto-approvals were corrected (10.0% > 5.0%)"));
    }

    [Test]
    public void Reviews_that_say_nothing_about_the_threshold_or_came_before_are_not_counted()
    {
        var counted = Strict().With("r-1", 0.88, audit: false, corrected: false, Noon, Options)!;

        Assert.That(Strict().With("r-low", 0.5, audit: false, corrected: true, Noon, Options), Is.Null, "far under the band");
        Assert.That(counted.With("r-1", 0.88, audit: false, corrected: true, Noon, Options), Is.Null, "a redelivered review");
        Assert.That(counted.BandReviews, Is.EqualTo(1));
    }

    [Test]
    public async Task Reviews_on_the_bus_move_the_threshold_and_the_next_decision_uses_it()
    {
        await using var app = new HitlApp<RouterService>(new Dictionary<string, string?> { ["Router:AuditSampleRate"] = "0" });
        var decisions = app.Services.GetRequiredService<IDecisionStore>();
        for (var i = 0; i < 30; i++)
        {
            await app.Bus.Publish(new ResponseScored { ResponseId = $"band-{i}", ProductId = "support-bot", Confidence = 0.87, Context = new ResponseContext { Category = "billing" } });
        }

        await Eventually.Get(() => decisions.StatsAsync("support-bot", CancellationToken.None), s => s.ReviewRequested == 30, what: "thirty reviews requested");
        for (var i = 0; i < 30; i++)
        {
            await app.Bus.Publish(new ReviewCompleted { ReviewId = $"review-{i}", ResponseId = $"band-{i}", ProductId = "support-bot", ReviewerId = "alice", Verdict = ReviewVerdict.Approved });
        }

        // A second, blind review of the same item measures reviewers, not the bot: not counted.
        await app.Bus.Publish(new ReviewCompleted { ReviewId = "second", ResponseId = "band-0", ProductId = "support-bot", ReviewerId = "bob", Verdict = ReviewVerdict.Edited, ReviewNumber = 2, RequiredReviews = 2 });

        var board = app.Services.GetRequiredService<CalibrationBoard>();
        await Eventually.Get(() => Task.FromResult(board.For("support-bot", "billing")?.Threshold), t => t == 0.88, what: "the threshold to relax");
        await app.Bus.Publish(new ResponseScored { ResponseId = "after", ProductId = "support-bot", Confidence = 0.885, Context = new ResponseContext { Category = "billing" } });
        await app.Bus.Publish(new ResponseScored { ResponseId = "other-kind", ProductId = "support-bot", Confidence = 0.885, Context = new ResponseContext { Category = "shipping" } });

        var after = await Eventually.Get(() => decisions.FindAsync("after", CancellationToken.None), d => d is not null, what: "the decision");
        var other = await Eventually.Get(() => decisions.FindAsync("other-kind", CancellationToken.None), d => d is not null, what: "the other decision");
        Assert.That((after!.Outcome, after.ConfidenceThreshold), Is.EqualTo((RoutingOutcome.AutoApproved, 0.88)));
        Assert.That((other!.Outcome, other.ConfidenceThreshold), Is.EqualTo((RoutingOutcome.ReviewRequested, 0.9)), "shipping has no evidence yet");

        using var lead = app.ClientAs("lee", HitlRoles.Lead);
        var thresholds = await lead.GetFromJsonAsync<JsonElement>(new Uri("/api/router/thresholds?productId=support-bot", UriKind.Relative));
        var billing = thresholds.GetProperty("kinds").EnumerateArray().Single();
        Assert.That(thresholds.GetProperty("configured").GetDouble(), Is.EqualTo(0.9));
        Assert.That(billing.GetProperty("category").GetString(), Is.EqualTo("billing"));
        Assert.That(billing.GetProperty("threshold").GetDouble(), Is.EqualTo(0.88));
        Assert.That(billing.GetProperty("changes")[0].GetProperty("evidence").GetString(), Does.StartWith("0 of 30 reviews"));
    }
}
