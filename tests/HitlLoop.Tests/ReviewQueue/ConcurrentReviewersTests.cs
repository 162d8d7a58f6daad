using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Api;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ReviewQueue.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.ReviewQueue;

/// <summary>Twenty reviewers drain a thousand items over HTTP at once: every review given, none twice, none lost.</summary>
public sealed class ConcurrentReviewersTests
{
    private const int ReviewerCount = 20;
    private const int ItemCount = 1_000;

    [Test]
    [Repeat(10)]
    public async Task Twenty_reviewers_drain_a_thousand_items_a_third_of_them_needing_two_reviews()
    {
        await using var app = new HitlApp<ReviewQueueService>();
        var lead = app.ClientAs("lead", "lead");
        var store = app.Services.GetRequiredService<IReviewItemStore>();
        var now = DateTime.UtcNow;
        for (var i = 0; i < ItemCount; i++)
        {
            var request = new ReviewRequested
            {
                Response = new ResponseScored { ResponseId = $"item/{i}", ProductId = "support-bot", Query = "q", Response = $"answer {i}" },
                Triggers = [],
                Priority = (ReviewPriority)(i % 4),
                RequiredReviews = i % 3 == 0 ? 2 : 1,
                PolicyVersion = "p",
                DueBy = now.AddMinutes(i % 50),
            };
            await store.EnqueueOnceAsync(ReviewItem.Enqueue(request, now), CancellationToken.None);
        }

        var given = new ConcurrentBag<(string Item, string Reviewer)>();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        await Task.WhenAll(Enumerable.Range(0, ReviewerCount).Select(r => Task.Run(async () =>
        {
            var reviewer = $"r{r:00}";
            var client = app.ReviewerClient(reviewer);
            var turn = 0;
            while (DateTime.UtcNow < deadline)
            {
                var claim = await client.PostAsync(new Uri("/api/reviews/claim", UriKind.Relative), null);
                if (claim.StatusCode == HttpStatusCode.NoContent)
                {
                    var stats = await lead.GetFromJsonAsync<QueueStats>("/api/queue/stats", MessageJson.Options);
                    if (stats!.Completed == ItemCount)
                    {
                        return;
                    }

                    // Others hold what is left; look again shortly.
                    await Task.Delay(10);
                    continue;
                }

                Assert.That(claim.StatusCode, Is.EqualTo(HttpStatusCode.OK), await claim.Content.ReadAsStringAsync());
                var item = (await claim.Content.ReadFromJsonAsync<ReviewItemView>(MessageJson.Options))!;
                var path = $"/api/reviews/{Uri.EscapeDataString(item.Id)}";
                if (++turn % 7 == 0)
                {
                    // Now and then a reviewer hands the item back instead.
                    var released = await client.PostAsync(new Uri($"{path}/release", UriKind.Relative), null);
                    Assert.That(released.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                    continue;
                }

                var submitted = await client.PostAsJsonAsync($"{path}/submit", new { verdict = "approved" });
                Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await submitted.Content.ReadAsStringAsync());
                given.Add((item.Id, reviewer));
            }
        })));

        var items = new List<ReviewItem>();
        for (var i = 0; i < ItemCount; i++)
        {
            items.Add((await store.FindAsync($"item/{i}", CancellationToken.None))!);
        }

        var stats = await lead.GetFromJsonAsync<QueueStats>("/api/queue/stats", MessageJson.Options);

        Assert.Multiple(() =>
        {
            Assert.That(stats, Is.EqualTo(new QueueStats(0, 0, ItemCount, stats!.Overdue, new OpenByPriority(0, 0, 0, 0))), "the kept counts agree with the items");
            Assert.That(items.Where(i => !i.IsCompleted).Select(i => i.Id), Is.Empty, "every item completed");
            Assert.That(items.Where(i => i.Reviews.Count != i.RequiredReviews).Select(i => i.Id), Is.Empty, "each reviewed exactly as often as required");
            Assert.That(items.Where(i => i.Reviews.Select(r => r.ReviewerId).Distinct().Count() != i.Reviews.Count).Select(i => i.Id), Is.Empty, "never twice by one reviewer");
            Assert.That(given, Has.Count.EqualTo(items.Sum(i => i.RequiredReviews)), "every accepted submission is stored");
            Assert.That(given.Distinct().Count(), Is.EqualTo(given.Count));
            Assert.That(items.Sum(i => i.RequiredReviews), Is.EqualTo(ItemCount + (ItemCount + 2) / 3));
        });
    }
}
