using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;

namespace HitlLoop.Tests.Router;

public sealed class RouterApiTests
{
    private HitlApp<RouterService> _app = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void Start()
    {
        _app = new HitlApp<RouterService>();
        _client = _app.ClientAs("lee", HitlRoles.Lead);
    }

    [TearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<JsonElement> Get(string path) => (await _client.GetFromJsonAsync<JsonElement>(path)).Clone();

    [Test]
    public async Task The_daily_review_rate_puts_today_s_decisions_on_today()
    {
        foreach (var (id, confidence) in new[] { ("d-1", 0.3), ("d-2", 0.5), ("d-3", 0.99) })
        {
            await _app.Bus.Publish(new ResponseScored { ResponseId = id, ProductId = "support-bot", Confidence = confidence });
        }

        await Eventually.Get(() => Get("/api/router/stats"), s => s.GetProperty("total").GetInt64() == 3, what: "three decisions");
        var daily = await Get("/api/router/stats/daily?days=3&productId=support-bot");
        var days = daily.GetProperty("days").EnumerateArray().ToList();

        Assert.That(days, Has.Count.EqualTo(3));
        Assert.That(days[2].GetProperty("date").GetString(), Is.EqualTo(DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(days[2].GetProperty("total").GetInt64(), Is.EqualTo(3));
        Assert.That(days[2].GetProperty("reviewRate").GetDouble(), Is.EqualTo(2.0 / 3).Within(1e-9));
        Assert.That(days.Take(2).Select(d => d.GetProperty("total").GetInt64()), Is.All.Zero);
    }

    [Test]
    public async Task A_decision_that_does_not_exist_is_a_404_problem()
    {
        var response = await _client.GetAsync(new Uri("/api/router/decisions/nope", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [TestCase(0)]
    [TestCase(91)]
    public async Task Days_outside_1_to_90_is_a_400_naming_the_field(int days)
    {
        var response = await _client.GetAsync(new Uri($"/api/router/stats/daily?days={days}", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"days\""));
    }
}
