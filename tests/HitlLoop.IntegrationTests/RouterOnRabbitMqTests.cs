using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json.Nodes;
using HitlLoop.IntegrationTests.Support;
using HitlLoop.ReviewQueue;
using HitlLoop.Router;
using HitlLoop.Router.Signals;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.IntegrationTests;

/// <summary>Router and ReviewQueue in-process on a real broker, fed by a plain AMQP producer.</summary>
[NonParallelizable]
public sealed class RouterOnRabbitMqTests
{
    private const string RouterErrorQueue = "router-response-scored_error";
    private const string ReviewRequestedExchange = "HitlLoop.Contracts:ReviewRequested";
    private Uri _vhost = null!;

    private static readonly Dictionary<string, string?> RouterSettings = new()
    {
        ["Router:DefaultConfidenceThreshold"] = "0.8",
        ["Router:AuditSampleRate"] = "0",
    };

    [SetUp]
    public async Task FreshVirtualHost() =>
        _vhost = await BrokerSetup.Broker.CreateVirtualHostAsync("it-" + Guid.NewGuid().ToString("N")[..10]);

    private static async Task WaitReady(HttpClient client) =>
        await Eventually.Get(
            async () => (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode,
            ready => ready,
            what: "the service to be ready");

    [Test]
    public async Task A_raw_json_message_from_a_plain_amqp_client_is_routed()
    {
        await using var router = new BrokerHostedApp<RouterService>(_vhost, RouterSettings);
        var http = router.LeadClient();
        await WaitReady(http);
        await using var producer = await PlainProducer.ConnectAsync(_vhost);

        // The README's example message, byte for byte, then one without any content type.
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, await File.ReadAllTextAsync(Json.ExamplePath("ResponseScored")));
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("plain-2", 0.95), contentType: null);

        var low = await Eventually.Get(() => TryGet(http, "/api/router/decisions/resp-7f3c2a91"), d => d is not null, what: "the example's decision");
        var high = await Eventually.Get(() => TryGet(http, "/api/router/decisions/plain-2"), d => d is not null, what: "decision plain-2");
        Assert.That(low!, Does.Contain("\"outcome\":\"reviewRequested\""));
        Assert.That(low!, Does.Contain("low_confidence").And.Contain("negative_sentiment"));
        Assert.That(high!, Does.Contain("\"outcome\":\"autoApproved\""));
    }

    [Test]
    public async Task A_message_in_the_bus_envelope_is_routed_and_the_queue_keeps_the_topology_a_bus_endpoint_would_give_it()
    {
        await using var router = new BrokerHostedApp<RouterService>(_vhost, RouterSettings);
        var http = router.LeadClient();
        await WaitReady(http);
        await using var producer = await PlainProducer.ConnectAsync(_vhost);

        var message = Json.ResponseScored("enveloped", 0.2);
        await producer.PublishAsync(
            PlainProducer.ResponseScoredExchange,
            $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["urn:message:HitlLoop.Contracts:ResponseScored"],"message":{{message}}}""",
            contentType: "application/vnd.masstransit+json");

        var decision = await Eventually.Get(() => TryGet(http, "/api/router/decisions/enveloped"), d => d is not null, what: "the enveloped message's decision");
        var queueExchange = await producer.ExchangeExistsAsync("router-response-scored");
        var errors = await producer.CountAsync(RouterErrorQueue);
        Assert.Multiple(() =>
        {
            Assert.That(decision, Does.Contain("\"outcome\":\"reviewRequested\""));
            Assert.That(queueExchange, Is.True, "the queue's own exchange");
            Assert.That(errors, Is.Zero, "nothing given up on");
        });
    }

    [Test]
    public async Task When_the_broker_drops_the_receivers_connection_it_reconnects_and_what_it_held_is_decided_once()
    {
        await using var router = new BrokerHostedApp<RouterService>(_vhost, RouterSettings);
        var http = router.LeadClient();
        await WaitReady(http);
        await using var producer = await PlainProducer.ConnectAsync(_vhost);
        await producer.BindQueueAsync("it-dropped-review-requests", ReviewRequestedExchange);

        // Responses keep coming until the connection has been dropped, and one batch after: it drops mid-stream, and what
        // the receiver had not acknowledged is redelivered to the session that follows.
        var dropped = new TaskCompletionSource();
        var publishing = Task.Run(async () =>
        {
            var sent = 0;
            for (var last = false; !last; sent += 100)
            {
                last = dropped.Task.IsCompleted;
                var from = sent;
                await Task.WhenAll(Enumerable.Range(from, 100).Select(i => producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored($"held-{i:D5}", 0.2))));
            }

            return sent;
        });
        await Eventually.Get(() => Json.GetAsync(http, "/api/router/stats"), s => s.GetProperty("total").GetInt64() >= 200, what: "the first decisions");
        var closed = await BrokerSetup.Broker.CloseConnectionsAsync(_vhost, "hitl-router-response-scored");
        dropped.SetResult();
        var responses = await publishing;
        if (closed is null)
        {
            Assert.Ignore("Needs a private broker node of this run, to drop one connection.");
        }

        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("after-the-drop", 0.2));
        await Eventually.Get(() => TryGet(http, "/api/router/decisions/after-the-drop"), d => d is not null, what: "a decision after the reconnection");
        await Eventually.Get(() => producer.CountAsync("router-response-scored"), n => n == 0, what: "the queue to drain");
        var stats = await Eventually.Get(
            () => Json.GetAsync(http, "/api/router/stats"), s => s.GetProperty("total").GetInt64() == responses + 1, TimeSpan.FromMinutes(2), "every decision");
        await TestContext.Out.WriteLineAsync($"{responses} responses sent, the last hundred after the connection was dropped");
        await router.StopConsumingAsync();
        var requested = new List<string>();
        while (await producer.GetAsync("it-dropped-review-requests") is { } request)
        {
            requested.Add((string)JsonNode.Parse(request.Body.Span)!["response"]!["responseId"]!);
        }

        Assert.Multiple(() =>
        {
            Assert.That(closed, Is.EqualTo(1), "the receiver's connection, named");
            Assert.That(stats.GetProperty("reviewRequested").GetInt64(), Is.EqualTo(responses + 1), "each response decided once");
            Assert.That(requested.Distinct().Count(), Is.EqualTo(responses + 1), "every review request sent, redelivered ones perhaps twice");
        });
    }

    [Test]
    public async Task The_router_learns_from_all_four_of_its_events_sent_as_raw_json()
    {
        // Small evidence minimums, so a handful of messages shows each rule at work.
        await using var router = new BrokerHostedApp<RouterService>(_vhost, new Dictionary<string, string?>(RouterSettings)
        {
            ["Router:DefaultConfidenceThreshold"] = "0.9",
            ["Router:Calibration:MinReviews"] = "2",
            ["Router:UserFeedback:Window"] = "2",
            ["Router:UserFeedback:MinReactions"] = "2",
        });
        var http = router.LeadClient();
        await WaitReady(http);
        await using var producer = await PlainProducer.ConnectAsync(_vhost);
        string Scored(string id, double confidence, string category, string answer) => new JsonObject
        {
            ["responseId"] = id,
            ["productId"] = "support-bot",
            ["query"] = "Can I get a refund?",
            ["response"] = answer,
            ["confidence"] = confidence,
            ["context"] = new JsonObject { ["category"] = category },
        }.ToJsonString();

        // PatternLearned: reviewers keep removing survey and voucher pitches from billing answers.
        await producer.PublishAsync("HitlLoop.Contracts:PatternLearned", """
            {"patternId":"support-bot:billing:removed_content","patternType":"removed_content","productId":"support-bot","category":"billing",
             "rule":{"when":"answering billing questions","insteadOf":"pitching surveys","do":"leave them out","reason":"reviewers removed them"},
             "signature":{"words":["survey","voucher"],"minWordHits":2},"exampleCount":3,"version":1}
            """);
        // ResponseScored: two answers just under the threshold, two confident shipping answers.
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Scored("band-1", 0.87, "billing", "Refunded."));
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Scored("band-2", 0.87, "billing", "Refunded."));
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Scored("ship-1", 0.97, "shipping", "It ships today."));
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Scored("ship-2", 0.97, "shipping", "It ships today."));
        await Eventually.Get(() => TryGet(http, "/api/router/decisions/ship-2"), d => d is not null, what: "the first decisions");
        await Eventually.Get(() => TryGet(http, "/api/router/decisions/band-2"), d => d is not null, what: "the band decisions");

        // ReviewCompleted: reviewers approve both band answers unchanged. UserFeedbackSubmitted: end users dislike shipping answers.
        foreach (var id in new[] { "band-1", "band-2" })
        {
            await producer.PublishAsync(PlainProducer.ReviewCompletedExchange, $$"""
                {"reviewId":"review-{{id}}","responseId":"{{id}}","productId":"support-bot","reviewerId":"alice","verdict":"approved"}
                """);
        }

        foreach (var id in new[] { "ship-1", "ship-2" })
        {
            await producer.PublishAsync("HitlLoop.Contracts:UserFeedbackSubmitted", $$"""{"feedbackId":"fb-{{id}}","responseId":"{{id}}","thumbsUp":false}""");
        }

        var thresholds = await Eventually.Get(
            () => TryGet(http, "/api/router/thresholds?productId=support-bot"),
            t => t?.Contains("\"threshold\":0.88", StringComparison.Ordinal) == true,
            what: "billing's threshold to relax");
        Assert.That(thresholds, Does.Contain("0 of 2 reviews in 0.85..0.90 were corrected"));

        // What the Router learned, applied: a confident billing answer that pitches a survey and a voucher, a billing
        // answer at 0.885 (now over the relaxed threshold), and a confident shipping answer.
        var reactions = router.Services.GetRequiredService<UserReactionBoard>();
        await Eventually.Get(() => Task.FromResult(reactions.For("support-bot", "shipping")?.Recent.Count), n => n == 2, what: "both reactions");
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Scored("ship-3", 0.97, "shipping", "It ships today."));
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Scored("pitch", 0.97, "billing", "Refunded. Take our survey for a voucher!"));
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Scored("relaxed", 0.885, "billing", "Refunded."));

        var pitch = await Eventually.Get(() => TryGet(http, "/api/router/decisions/pitch"), d => d is not null, what: "the pitch's decision");
        var relaxed = await Eventually.Get(() => TryGet(http, "/api/router/decisions/relaxed"), d => d is not null, what: "the relaxed decision");
        var disliked = await Eventually.Get(() => TryGet(http, "/api/router/decisions/ship-3"), d => d is not null, what: "the third shipping decision");
        Assert.That(pitch, Does.Contain("known_mistake").And.Contain("words survey, voucher"));
        Assert.That(disliked, Does.Contain("user_negative_feedback").And.Contain("2 of the latest 2 end-user reactions to support-bot/shipping were negative"));
        Assert.That(relaxed, Does.Contain("\"outcome\":\"autoApproved\"").And.Contain("\"confidenceThreshold\":0.88"));
    }

    [Test]
    public async Task Malformed_messages_land_in_the_error_queue_with_their_reason_and_routing_goes_on()
    {
        await using var router = new BrokerHostedApp<RouterService>(_vhost, RouterSettings);
        var http = router.LeadClient();
        await WaitReady(http);
        await using var producer = await PlainProducer.ConnectAsync(_vhost);

        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, "{ this is not json");
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, """{"productId":"support-bot","confidence":0.5}""");
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("too-sure", 1.5));
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("after-the-bad-ones", 0.2));

        await Eventually.Get(() => TryGet(http, "/api/router/decisions/after-the-bad-ones"), d => d is not null, what: "the valid message after the bad ones");
        await Eventually.Get(() => producer.CountAsync(RouterErrorQueue), n => n == 3, what: "3 messages in the error queue");
        var reasons = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = await producer.GetAsync(RouterErrorQueue);
            reasons.Add(Header(message!.BasicProperties.Headers, "MT-Fault-Message"));
        }

        Assert.That(reasons, Has.Exactly(1).Matches<string>(r => r.Contains("json", StringComparison.OrdinalIgnoreCase)));
        Assert.That(reasons, Has.Exactly(1).Contains("responseId"));
        Assert.That(reasons, Has.Exactly(1).Contains("confidence must lie in 0..1"));
    }

    [Test]
    public async Task A_thousand_responses_sent_twice_yield_500_reviews_and_500_auto_approvals()
    {
        const int responses = 1_000;
        const int malformed = 10;
        await using var router = new BrokerHostedApp<RouterService>(_vhost, RouterSettings);
        await using var queue = new BrokerHostedApp<ReviewQueueService>(_vhost);
        var routerHttp = router.LeadClient();
        var queueHttp = queue.LeadClient();
        await WaitReady(routerHttp);
        await WaitReady(queueHttp);
        await using var producer = await PlainProducer.ConnectAsync(_vhost);

        var messages = Enumerable.Range(0, 2 * responses)
            .Select(n => n % responses)
            .Select(i => Json.ResponseScored($"load-{i:D4}", i % 2 == 0 ? 0.3 + (i % 50 / 100.0) : 0.85 + (i % 10 / 100.0)))
            .Concat(Malformed(malformed))
            .ToList();

        var clock = Stopwatch.StartNew();
        foreach (var batch in messages.Chunk(100))
        {
            // Confirms are awaited per batch, as a producer with a send buffer would.
            await Task.WhenAll(batch.Select(json => producer.PublishAsync(PlainProducer.ResponseScoredExchange, json)));
        }

        var published = clock.Elapsed;
        await Eventually.Get(() => Json.GetAsync(routerHttp, "/api/router/stats"), s => s.GetProperty("total").GetInt64() >= responses, TimeSpan.FromMinutes(4), "1,000 decisions");
        await Eventually.Get(() => Json.GetAsync(queueHttp, "/api/queue/stats"), s => s.GetProperty("pending").GetInt64() >= responses / 2, TimeSpan.FromMinutes(2), "500 review items");
        await Eventually.Get(() => producer.CountAsync("router-response-scored"), n => n == 0, what: "the router queue to drain");
        // A drained queue can still have messages prefetched but not yet judged; stopping the bus would hand those back.
        await Eventually.Get(() => producer.CountAsync(RouterErrorQueue), n => n >= malformed, what: $"{malformed} messages in the error queue");
        var settled = clock.Elapsed;

        // Stopping a bus waits for messages already in hand, so nothing is still on its way when we count.
        await router.StopConsumingAsync();
        await Eventually.Get(() => producer.CountAsync("review-queue-review-requested"), n => n == 0, what: "the review queue to drain");
        await queue.StopConsumingAsync();

        var decisions = await Json.GetAsync(routerHttp, "/api/router/stats");
        var items = await Json.GetAsync(queueHttp, "/api/queue/stats");
        var errors = await producer.CountAsync(RouterErrorQueue);
        var reasons = new List<string>();
        while (await producer.GetAsync(RouterErrorQueue) is { } faulted)
        {
            reasons.Add(Header(faulted.BasicProperties.Headers, "MT-Fault-Message"));
        }

        await TestContext.Out.WriteLineAsync(
            $"load: {2 * responses + malformed} messages published in {published.TotalSeconds:F1} s; routed and queued in {settled.TotalSeconds:F1} s "
            + $"({(2 * responses + malformed) / settled.TotalSeconds:F0} msg/s end to end)");

        Assert.Multiple(() =>
        {
            Assert.That(decisions.GetProperty("total").GetInt64(), Is.EqualTo(responses));
            Assert.That(decisions.GetProperty("autoApproved").GetInt64(), Is.EqualTo(500));
            Assert.That(decisions.GetProperty("reviewRequested").GetInt64(), Is.EqualTo(500));
            Assert.That(items.GetProperty("pending").GetInt64(), Is.EqualTo(500));
            Assert.That(errors, Is.EqualTo(malformed));
            Assert.That(reasons, Has.Count.EqualTo(malformed).And.All.Not.Empty);
            Assert.That(reasons.Count(r => r.Contains("confidence must lie in 0..1", StringComparison.Ordinal)), Is.EqualTo(4));
            Assert.That(reasons.Count(r => r.Contains("responseId is required", StringComparison.Ordinal)), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Two_replicas_on_one_queue_split_the_work_and_decide_and_send_each_response_once()
    {
        const int responses = 600;
        static void Counted(IServiceCollection services) => services.AddSingleton<ConsumedResponses>();

        await using var first = new BrokerHostedApp<RouterService>(_vhost, RouterSettings, Counted);
        var firstHttp = first.LeadClient();
        await WaitReady(firstHttp);

        // The second replica shares the first's store, as replicas share one MongoDB: one file, one writer.
        var store = first.Services.GetRequiredService<IDocumentStoreFactory>();
        await using var second = new BrokerHostedApp<RouterService>(_vhost, RouterSettings, services =>
        {
            Counted(services);
            services.AddSingleton(store);
        });
        await WaitReady(second.LeadClient());
        await using var producer = await PlainProducer.ConnectAsync(_vhost);
        await producer.BindQueueAsync("it-review-requests", "HitlLoop.Contracts:ReviewRequested");
        var counters = new[] { first, second }.Select(app => app.Services.GetRequiredService<ConsumedResponses>()).ToList();

        // Every response twice, so the replicas race for the same ids.
        var messages = Enumerable.Range(0, 2 * responses)
            .Select(n => n % responses)
            .Select(i => Json.ResponseScored($"replica-{i:D4}", i % 2 == 0 ? 0.3 : 0.95));
        foreach (var batch in messages.Chunk(100))
        {
            await Task.WhenAll(batch.Select(json => producer.PublishAsync(PlainProducer.ResponseScoredExchange, json)));
        }

        // Every copy consumed before either stops: a replica that stops hands its unacknowledged messages to the other
        // as redeliveries, and a redelivery sends its request again (at least once; ReviewQueue keeps one item per id).
        await Eventually.Get(() => Task.FromResult(counters.Sum(c => c.Count)), n => n == 2 * responses, TimeSpan.FromMinutes(3), "every copy consumed");
        await first.StopConsumingAsync();
        await second.StopConsumingAsync();

        var requested = new List<string>();
        while (await producer.GetAsync("it-review-requests") is { } request)
        {
            var body = JsonNode.Parse(request.Body.Span)!;
            requested.Add((string)(body["message"] ?? body)["response"]!["responseId"]!);
        }

        var consumedBy = counters.Select(c => c.Count).ToList();
        var stats = await Json.GetAsync(firstHttp, "/api/router/stats");
        Assert.Multiple(() =>
        {
            Assert.That(stats.GetProperty("total").GetInt64(), Is.EqualTo(responses), "each response decided once");
            Assert.That(stats.GetProperty("reviewRequested").GetInt64(), Is.EqualTo(responses / 2));
            Assert.That(requested, Has.Count.EqualTo(responses / 2).And.Unique, "one review request per response to review");
            Assert.That(consumedBy.Sum(), Is.EqualTo(2 * responses));
            Assert.That(consumedBy, Is.All.GreaterThan(responses / 4), $"both replicas took a share ({string.Join(" / ", consumedBy)})");
        });
    }

    [Test]
    public async Task Review_requests_go_out_as_plain_json_and_a_channel_the_broker_closed_is_replaced_by_the_next_publish()
    {
        const string requests = "it-review-requests";
        await using var router = await RouterWithReviewRequestsAsync(requests);
        var (http, producer) = (router.Http, router.Producer);

        // With its exchange gone, the broker closes the channel of the next publish: that publish fails, the message is
        // retried, and the retry publishes on a new channel, declaring the exchange again.
        await producer.DeleteExchangeAsync(ReviewRequestedExchange);
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("across", 0.2));
        await Eventually.Get(() => producer.ExchangeExistsAsync(ReviewRequestedExchange), exists => exists, what: "the exchange declared again");
        await producer.BindQueueAsync(requests, ReviewRequestedExchange);
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("after", 0.2));
        var after = await Eventually.Get(() => producer.GetAsync(requests), m => m is not null, what: "the review request after the channel was replaced");

        var across = await TryGet(http, "/api/router/decisions/across");
        var givenUp = await producer.CountAsync(RouterErrorQueue);
        Assert.Multiple(() =>
        {
            Assert.That(router.First.BasicProperties.ContentType, Is.EqualTo("application/json"));
            Assert.That(router.First.BasicProperties.MessageId, Is.Not.Empty);
            Assert.That((string?)JsonNode.Parse(router.First.Body.Span)!["response"]!["responseId"], Is.EqualTo("before"));
            Assert.That((string?)JsonNode.Parse(after!.Body.Span)!["response"]!["responseId"], Is.EqualTo("after"));
            Assert.That(across, Does.Contain("\"outcome\":\"reviewRequested\""));
            Assert.That(givenUp, Is.Zero, "nothing given up on");
        });
    }

    [Test]
    public async Task A_review_request_waits_for_its_connection_to_come_back_instead_of_giving_the_message_up()
    {
        const string requests = "it-recovered-review-requests";
        await using var router = await RouterWithReviewRequestsAsync(requests);
        var (http, producer) = (router.Http, router.Producer);

        // The broker drops the publisher's connection (the bus's own stays up, as after a broker restart when the bus
        // is back first) and refuses it again for longer than the message's retries last.
        if (!await BrokerSetup.Broker.LimitConnectionsAsync(_vhost, 0))
        {
            Assert.Ignore("Needs a private broker node of this run, to drop one connection and hold it off.");
        }

        Assert.That(await BrokerSetup.Broker.CloseConnectionsAsync(_vhost, "hitl-event-publisher"), Is.EqualTo(1), "the publisher's connection closed");
        await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("while-away", 0.2));
        await Eventually.Get(() => TryGet(http, "/api/router/decisions/while-away"), d => d is not null, what: "the decision made while the publisher was away");
        await Task.Delay(TimeSpan.FromSeconds(4));
        var beforeBack = await producer.GetAsync(requests);
        await BrokerSetup.Broker.LimitConnectionsAsync(_vhost, null);
        var request = await Eventually.Get(() => producer.GetAsync(requests), m => m is not null, what: "the review request once the connection is back");
        var givenUp = await producer.CountAsync(RouterErrorQueue);

        Assert.Multiple(() =>
        {
            Assert.That(beforeBack, Is.Null, "nothing published while the connection was refused");
            Assert.That((string?)JsonNode.Parse(request!.Body.Span)!["response"]!["responseId"], Is.EqualTo("while-away"));
            Assert.That(givenUp, Is.Zero, "nothing given up on");
        });
    }

    [Test]
    public async Task With_telemetry_on_a_review_request_carries_the_consume_activity_so_its_trace_goes_on()
    {
        // Nothing listens there: spans are recorded, and their export fails quietly.
        await using var router = await RouterWithReviewRequestsAsync(
            "it-traced-review-requests", new Dictionary<string, string?>(RouterSettings) { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" });

        Assert.That(Header(router.First.BasicProperties.Headers, "MT-Activity-Id"), Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"));
    }

    /// <summary>
    /// The Router on the test's virtual host, ready, a producer, and <paramref name="queue"/> bound to the review
    /// requests, which has already taken the request of a first response ("before") sent to review.
    /// </summary>
    private async Task<RouterWithReviewRequests> RouterWithReviewRequestsAsync(string queue, Dictionary<string, string?>? settings = null)
    {
        var router = new BrokerHostedApp<RouterService>(_vhost, settings ?? RouterSettings);
        PlainProducer? producer = null;
        try
        {
            var http = router.LeadClient();
            await WaitReady(http);
            producer = await PlainProducer.ConnectAsync(_vhost);
            await producer.BindQueueAsync(queue, ReviewRequestedExchange);
            await producer.PublishAsync(PlainProducer.ResponseScoredExchange, Json.ResponseScored("before", 0.2));
            var first = await Eventually.Get(() => producer.GetAsync(queue), m => m is not null, what: "the first review request");
            return new RouterWithReviewRequests(router, http, producer, first!);
        }
        catch
        {
            if (producer is not null)
            {
                await producer.DisposeAsync();
            }

            await router.DisposeAsync();
            throw;
        }
    }

    private sealed record RouterWithReviewRequests(BrokerHostedApp<RouterService> Router, HttpClient Http, PlainProducer Producer, RabbitMQ.Client.BasicGetResult First)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Producer.DisposeAsync();
            await Router.DisposeAsync();
        }
    }

    /// <summary>A mix of what goes wrong in practice: broken JSON, a missing id, an impossible confidence.</summary>
    private static IEnumerable<string> Malformed(int count) =>
        Enumerable.Range(0, count).Select(i => (i % 3) switch
        {
            0 => Json.ResponseScored($"bad-{i}", 1.5 + i),
            1 => $$"""{"productId":"support-bot","confidence":0.5,"query":"missing id {{i}}"}""",
            _ => "{\"responseId\": \"truncated-" + i,
        });

    private static async Task<string?> TryGet(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
    }

    private static string Header(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                _ => value?.ToString() ?? "",
            }
            : "";
}

/// <summary>Scored responses one replica's batch receiver finished, by count, from the meters of its host.</summary>
internal sealed class ConsumedResponses : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public ConsumedResponses(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == MessagingTelemetry.ReceivedCounter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, measurement, _, _) => Interlocked.Add(ref _count, measurement));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
