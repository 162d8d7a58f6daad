using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HitlLoop.IntegrationTests.Support;

/// <summary>
/// Counts what the loop holds after a run of faults against what was sent and answered: decisions, review items,
/// completed reviews, golden examples and dataset lines. Nothing answered may be missing and nothing may be there
/// twice. The same checker runs against five processes on RabbitMQ and against the embedded host: only the
/// addresses differ.
/// </summary>
/// <param name="Router">The Router, as a lead.</param>
/// <param name="Queue">The ReviewQueue, as a lead.</param>
/// <param name="Feedback">Feedback, as the ML team.</param>
/// <param name="Training">The TrainingOrchestrator, as a lead.</param>
internal sealed record LoopChecker(HttpClient Router, HttpClient Queue, HttpClient Feedback, HttpClient Training)
{
    /// <summary>How long the checker waits for events a fault held up: late is fine, missing is not.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>Waits for the loop to settle, prints every figure, and asserts 0 lost and 0 duplicated.</summary>
    /// <param name="responses">Distinct responses sent (each may have been sent more than once).</param>
    /// <param name="toReview">How many of them the confidence rule sends to review.</param>
    /// <param name="corrected">Corrections answered 200.</param>
    /// <param name="unanswered">Corrections whose submit was cut off: each may or may not have been stored.</param>
    /// <param name="log">What happened during the run (the faults), printed first.</param>
    public async Task CheckAsync(
        int responses, int toReview, IReadOnlyCollection<string> corrected, IReadOnlyCollection<string> unanswered, IEnumerable<string> log)
    {
        var golden = await Eventually.Get(
            () => Json.GoldenCorrectionsAsync(Feedback), g => g.Count >= corrected.Count, what: "every correction as a golden example", timeout: Patience);
        var lines = await Settled(() => DatasetLinesAsync(Training), l => l.Count >= golden.Count);
        // A submit cut off unanswered may reach Feedback after the first look: look again until both agree on a count.
        for (var look = 0; look < 5 && (await Json.GoldenCorrectionsAsync(Feedback)) is var again && again.Count != golden.Count; look++)
        {
            golden = again;
            lines = await Settled(() => DatasetLinesAsync(Training), l => l.Count >= golden.Count);
        }

        var decisions = await Json.GetAsync(Router, "api/router/stats");
        var queue = await Settled(() => Json.GetAsync(Queue, "api/queue/stats"), q => ItemsIn(q) >= toReview);
        var items = ItemsIn(queue);
        var report = string.Join(Environment.NewLine,
        [
            .. log,
            $"responses sent {responses}",
            $"decisions {decisions.GetProperty("total").GetInt64()} (expected {responses}), to review {decisions.GetProperty("reviewRequested").GetInt64()} (expected {toReview})",
            $"review items {items} (expected {toReview})",
            $"corrections answered 200: {corrected.Count} (and {unanswered.Count} cut off unanswered); reviews completed in the queue {queue.GetProperty("completed").GetInt64()}",
            $"golden examples {golden.Count}, distinct {golden.Distinct().Count()}",
            $"dataset lines {lines.Count}, distinct {lines.Distinct().Count()}",
        ]);
        await TestContext.Out.WriteLineAsync(report);

        // A submit the ReviewQueue died under may or may not have been stored; everything answered 200 must be there.
        var answered = corrected.ToHashSet();
        var possible = answered.Concat(unanswered).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(decisions.GetProperty("total").GetInt64(), Is.EqualTo(responses), report);
            Assert.That(decisions.GetProperty("reviewRequested").GetInt64(), Is.EqualTo(toReview), report);
            Assert.That(items, Is.EqualTo(toReview), report);
            Assert.That(queue.GetProperty("completed").GetInt64(), Is.InRange(answered.Count, possible.Count), report);
            Assert.That(golden, Is.Unique, report);
            Assert.That(golden, Is.SupersetOf(answered).And.SubsetOf(possible), report);
            Assert.That(lines, Is.EquivalentTo(golden), report);
        });
    }

    /// <summary>
    /// A reviewer corrects what the queue serves until told to stop, through every fault (the ReviewQueue's restart
    /// included), pausing between items as a person would; keeps each correction answered 200, and each cut off.
    /// </summary>
    public static async Task ReviewAsync(
        HttpClient reviewer, TimeSpan pause, ConcurrentQueue<string> corrected, ConcurrentQueue<string> unanswered, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var claim = await reviewer.PostAsync(new Uri("api/reviews/claim", UriKind.Relative), null, stop);
                if (claim.StatusCode != HttpStatusCode.OK)
                {
                    await Task.Delay(200, stop);
                    continue;
                }

                var id = (await claim.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetString()!;
                var text = $"Refunds after 30 days are possible as store credit; case {id} is open and billing will write within two days.";
                try
                {
                    using var submit = await reviewer.PostAsJsonAsync($"api/reviews/{Uri.EscapeDataString(id)}/submit", new { verdict = "edited", correctedText = text }, stop);
                    if (submit.StatusCode == HttpStatusCode.OK)
                    {
                        corrected.Enqueue(text);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    // The ReviewQueue died under the request, or the reviewer was told to stop while it was in
                    // flight: the submit may or may not have been stored.
                    unanswered.Enqueue(text);
                    if (stop.IsCancellationRequested)
                    {
                        return;
                    }
                }

                await Task.Delay(pause, stop);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static long ItemsIn(JsonElement queue) =>
        queue.GetProperty("pending").GetInt64() + queue.GetProperty("claimed").GetInt64() + queue.GetProperty("completed").GetInt64();

    /// <summary>The probe's value once <paramref name="expected"/> holds, or its last value after <see cref="Patience"/>.</summary>
    private static async Task<T> Settled<T>(Func<Task<T>> probe, Func<T, bool> expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = await probe();
            if (expected(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(1_000);
        }
    }

    /// <summary>
    /// Requests a retrain (refused when no example is new since the last snapshot) and returns the assistant turn of
    /// every line of the latest snapshot's SFT file.
    /// </summary>
    private static async Task<List<string>> DatasetLinesAsync(HttpClient lead)
    {
        using var retrain = await lead.PostAsync(new Uri("api/retrain", UriKind.Relative), null);
        var datasets = await Json.GetAsync(lead, "api/datasets");
        if (datasets.GetArrayLength() == 0)
        {
            return [];
        }

        var id = datasets[0].GetProperty("id").GetString()!;
        var sft = await lead.GetStringAsync(new Uri($"api/datasets/{Uri.EscapeDataString(id)}/sft.jsonl", UriKind.Relative));
        return
        [
            .. sft.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString()!),
        ];
    }
}
