using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HitlLoop.Embedded;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;

namespace HitlLoop.Tests.Security;

/// <summary>Each chat product has an allowance on the endpoints made for products; past it, 429 before any work.</summary>
public sealed class RateLimitTests
{
    private static HitlApp<EmbeddedHost> Limited(int perSecond, int burst) => new(new Dictionary<string, string?>
    {
        ["Hitl:RateLimit:ProductRequestsPerSecond"] = perSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hitl:RateLimit:ProductBurst"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [Test]
    public async Task A_product_past_its_burst_gets_429_problem_details_with_retry_after_and_another_product_does_not()
    {
        await using var app = Limited(perSecond: 1, burst: 3);
        var busy = app.ClientAs("busy-bot", HitlRoles.Product);
        var quiet = app.ClientAs("quiet-bot", HitlRoles.Product);

        var answers = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await busy.GetAsync(new Uri("/api/guidance?productId=busy-bot&query=refund", UriKind.Relative));
            answers.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        using var other = await quiet.GetAsync(new Uri("/api/guidance?productId=quiet-bot&query=refund", UriKind.Relative));

        // One token may come back during the loop on a slow machine; never more than one.
        Assert.That(answers.Take(3), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(answers.Count(a => a == HttpStatusCode.TooManyRequests), Is.InRange(2, 3));
        Assert.That(refused, Is.Not.Null);
        Assert.That(refused!.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(429));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Reviewers_are_not_limited_by_the_product_allowance()
    {
        await using var app = Limited(perSecond: 1, burst: 1);
        var reviewer = app.ReviewerClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await reviewer.GetAsync(new Uri("/api/reviews/?status=pending", UriKind.Relative));
            answers.Add(response.StatusCode);
        }

        Assert.That(answers, Is.All.EqualTo(HttpStatusCode.OK));
    }
}
