using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HitlLoop.Router;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Router;

public sealed class IngestionApiTests
{
    private HitlApp<RouterService> _app = null!;
    private HttpClient _product = null!;
    private HttpClient _lead = null!;

    [SetUp]
    public void Start()
    {
        _app = new HitlApp<RouterService>();
        _product = _app.ClientAs("support-bot", HitlRoles.Product);
        _lead = _app.ClientAs("lee", HitlRoles.Lead);
    }

    [TearDown]
    public async Task Stop()
    {
        _product.Dispose();
        _lead.Dispose();
        await _app.DisposeAsync();
    }

    private static string Scored(string id, double confidence = 0.5) =>
        $$"""{"responseId":{{JsonSerializer.Serialize(id)}},"productId":"support-bot","query":"Why was I charged twice?","response":"Let me check.","confidence":{{confidence.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""";

    private Task<HttpResponseMessage> Post(string json) =>
        _product.PostAsync(new Uri("/api/responses", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<HttpStatusCode> DecisionStatus(string id)
    {
        using var response = await _lead.GetAsync(new Uri($"/api/router/decisions/{Uri.EscapeDataString(id)}", UriKind.Relative));
        return response.StatusCode;
    }

    [Test]
    public async Task One_response_is_decided_before_the_202_and_the_location_explains_it()
    {
        const string id = "chat/42?turn=3#a é";
        using var posted = await Post(Scored(id, confidence: 0.2));

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(posted.Headers.Location?.OriginalString, Is.EqualTo($"/api/router/decisions/{Uri.EscapeDataString(id)}"));
        var receipt = await posted.Content.ReadFromJsonAsync<JsonElement>();
        var accepted = receipt.GetProperty("accepted")[0];
        Assert.That(accepted.GetProperty("responseId").GetString(), Is.EqualTo(id));
        Assert.That(accepted.GetProperty("outcome").GetString(), Is.EqualTo("reviewRequested"));

        // No waiting: the decision was stored before the answer.
        var decision = await _lead.GetFromJsonAsync<JsonElement>(new Uri(posted.Headers.Location!.OriginalString, UriKind.Relative));
        Assert.That(decision.GetProperty("triggers")[0].GetProperty("code").GetString(), Is.EqualTo("low_confidence"));
        Assert.That(decision.GetProperty("requiredReviews").GetInt32(), Is.EqualTo(1));

        // So was its review request, before the answer: the outbox sweeper would send it, were the bus away.
        var request = await _app.Services.GetRequiredService<ReviewRequestOutbox>().Requests.FindByIdAsync(id);
        Assert.That(request?.ProductId, Is.EqualTo("support-bot"));
    }

    [Test]
    public async Task A_batch_is_decided_in_order_and_a_repeated_response_keeps_its_first_decision()
    {
        using var posted = await Post($"[{Scored("b-1", 0.2)},{Scored("b-2", 0.99)},{Scored("B-1", 0.99)}]");
        var accepted = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").EnumerateArray().ToList();

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(posted.Headers.Location, Is.Null, "a batch has no one location");
        Assert.That(accepted.Select(a => a.GetProperty("responseId").GetString()), Is.EqualTo(new[] { "b-1", "b-2", "B-1" }));
        Assert.That(accepted[0].GetProperty("outcome").GetString(), Is.EqualTo("reviewRequested"));
        Assert.That(accepted[2].GetProperty("outcome").GetString(), Is.EqualTo("autoApproved"), "ids are case-sensitive: B-1 is its own response");

        using var again = await Post(Scored("b-1", 0.99));
        var second = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted")[0];
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(second.GetProperty("outcome").GetString(), Is.EqualTo("reviewRequested"), "the first decision stands");
    }

    [TestCase("""{"responseId":"x","productId":"p","confidence":5}""", "confidence")]
    [TestCase("""{"responseId":"x","productId":"p","confidence":NaN}""", "body")]
    [TestCase("""{"responseId":"x","productId":"p","confidence":"NaN"}""", "confidence")]
    [TestCase("""{"responseId":"x","productId":"p","confidence":"Infinity"}""", "confidence")]
    [TestCase("""{"responseId":"x","productId":"p","confidence":1e400}""", "confidence")]
    [TestCase("""{"responseId":"","productId":"p","confidence":0.5}""", "responseId")]
    [TestCase("""{"responseId":"x","productId":"","confidence":0.5}""", "productId")]
    [TestCase("""{"responseId":"x","productId":"p","confidence":0.5,"priority":3}""", null)]
    [TestCase("[]", "body")]
    [TestCase("42", "body")]
    [TestCase("[42]", "[0]")]
    [TestCase("""[{"responseId":"x","productId":"p","confidence":0.5},{"responseId":"x","productId":"p","confidence":0.5}]""", "responseId")]
    [TestCase("""[{"responseId":"ok","productId":"p","confidence":0.5},{"responseId":"y","productId":"p","confidence":-1}]""", "[1].confidence")]
    public async Task A_malformed_response_is_a_400_naming_the_field_and_nothing_is_stored(string json, string? field)
    {
        using var posted = await Post(json);
        var body = await posted.Content.ReadAsStringAsync();

        if (field is null)
        {
            // Unknown fields are ignored, as the consumer ignores them.
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body);
            return;
        }

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(posted.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.That(errors.TryGetProperty(field, out _), Is.True, $"errors name {field}: {errors}");
        Assert.That(await DecisionStatus("ok"), Is.EqualTo(HttpStatusCode.NotFound), "a batch with one bad response stores none");
        Assert.That(await DecisionStatus("x"), Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_batch_over_the_limit_is_refused_whole()
    {
        var batch = "[" + string.Join(",", Enumerable.Range(0, 101).Select(i => Scored($"many-{i}"))) + "]";
        using var posted = await Post(batch);

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await posted.Content.ReadAsStringAsync(), Does.Contain("between 1 and 100"));
        Assert.That(await DecisionStatus("many-0"), Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_megabyte_id_is_a_400_naming_it()
    {
        using var posted = await Post(Scored(new string('i', 1_000_000)));

        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("responseId", out _), Is.True);
    }
}
