using System.Net.Http.Json;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue;
using HitlLoop.Tests.Support;

namespace HitlLoop.Tests.ReviewQueue;

public sealed class QueueEventsTests
{
    [Test]
    public async Task The_live_stream_tells_a_reviewer_of_each_change_as_it_happens()
    {
        await using var app = new HitlApp<ReviewQueueService>();
        var watcher = app.ReviewerClient(HitlApp<ReviewQueueService>.OtherReviewer);
        var alice = app.ReviewerClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await watcher.GetAsync(new Uri("/api/queue/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var first = await NextEventAsync(reader, timeout.Token);
        await app.Bus.Publish(new ReviewRequested
        {
            Response = new ResponseScored { ResponseId = "live/1", ProductId = "support-bot", Query = "q", Response = "a" },
            Triggers = [],
            Priority = ReviewPriority.Urgent,
            PolicyVersion = "p",
            DueBy = DateTimeOffset.UtcNow.AddMinutes(15),
        });
        var queued = await NextEventAsync(reader, timeout.Token, skip: "counts");
        (await alice.PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null)).EnsureSuccessStatusCode();
        var claimed = await NextEventAsync(reader, timeout.Token, skip: "counts");
        (await alice.PostAsJsonAsync("/api/reviews/live%2F1/submit", new { verdict = "rejected" })).EnsureSuccessStatusCode();
        var completed = await NextEventAsync(reader, timeout.Token, skip: "counts");

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        Assert.That(first.Name, Is.EqualTo("counts"));
        Assert.That(first.Data.GetProperty("pending").GetInt32(), Is.Zero);
        Assert.That((queued.Name, claimed.Name, completed.Name), Is.EqualTo(("queued", "claimed", "completed")));
        Assert.That(queued.Data.GetProperty("itemId").GetString(), Is.EqualTo("live/1"));
        Assert.That(queued.Data.GetProperty("priority").GetString(), Is.EqualTo("urgent"));
        Assert.That(completed.Data.TryGetProperty("verdict", out _), Is.False, "the stream carries no answers");
    }

    private static async Task<(string Name, JsonElement Data)> NextEventAsync(StreamReader reader, CancellationToken cancellationToken, string? skip = null)
    {
        while (true)
        {
            string? name = null;
            string? data = null;
            while (await reader.ReadLineAsync(cancellationToken) is { } line && line.Length > 0)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }

            if (name is not null && name != skip)
            {
                return (name, JsonDocument.Parse(data!).RootElement.Clone());
            }
        }
    }
}
