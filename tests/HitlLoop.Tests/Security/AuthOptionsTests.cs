using HitlLoop.ReviewQueue;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.Security;

/// <summary>A misconfigured Hitl:Auth stops the service at start-up, naming the key, rather than refusing every caller later.</summary>
public sealed class AuthOptionsTests
{
    private static string StartUpFailure(Dictionary<string, string?> settings) =>
        Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var harness = await ServiceHarness.StartAsync([new ReviewQueueService()], settings);
        })!.Message;

    [Test]
    public void A_signing_key_shorter_than_32_bytes_is_refused()
    {
        var message = StartUpFailure(new() { ["Hitl:Auth:SigningKey"] = Convert.ToBase64String(new byte[16]) });

        Assert.That(message, Does.Contain("Hitl:Auth:SigningKey: must be base64 of an HMAC-SHA256 key of at least 32 bytes"));
    }

    [Test]
    public void A_signing_key_that_is_not_base64_is_refused()
    {
        var message = StartUpFailure(new() { ["Hitl:Auth:SigningKey"] = "correct horse battery staple, but longer than thirty-two" });

        Assert.That(message, Does.Contain("Hitl:Auth:SigningKey"));
    }

    [TestCase("RabbitMq", "Embedded")]
    [TestCase("InMemory", "MongoDb")]
    public void The_development_issuer_is_refused_on_shared_infrastructure(string transport, string store)
    {
        var message = StartUpFailure(new()
        {
            ["Hitl:Transport"] = transport,
            ["Hitl:Store"] = store,
            ["Hitl:Auth:DevelopmentIssuer"] = "true",
        });

        Assert.That(message, Does.Contain("Hitl:Auth:DevelopmentIssuer: is refused").And.Contain("AllowUnsafeDevelopmentIssuer"));
    }

    [Test]
    public async Task The_development_issuer_on_a_broker_starts_when_explicitly_allowed()
    {
        await using var harness = await ServiceHarness.StartAsync([new ReviewQueueService()], new Dictionary<string, string?>
        {
            ["Hitl:Transport"] = "RabbitMq",
            ["Hitl:Auth:DevelopmentIssuer"] = "true",
            ["Hitl:Auth:AllowUnsafeDevelopmentIssuer"] = "true",
        });

        Assert.That(harness.Services, Is.Not.Null);
    }

    [Test]
    public void A_service_with_no_way_to_authenticate_anyone_is_refused()
    {
        var message = StartUpFailure(new() { ["Hitl:Auth:SigningKey"] = "" });

        Assert.That(message, Does.Contain("Hitl:Auth: nothing can authenticate a caller"));
    }

    [Test]
    public void An_authority_and_a_shared_key_together_are_refused()
    {
        var message = StartUpFailure(new() { ["Hitl:Auth:Authority"] = "https://login.example.com/realms/hitl" });

        Assert.That(message, Does.Contain("Hitl:Auth:Authority: set either Authority"));
    }

    [Test]
    public async Task An_authority_over_plain_http_is_refused_unless_allowed()
    {
        var refused = StartUpFailure(new() { ["Hitl:Auth:SigningKey"] = "", ["Hitl:Auth:Authority"] = "http://localhost:8081/realms/hitl" });

        await using var allowed = await ServiceHarness.StartAsync([new ReviewQueueService()], new Dictionary<string, string?>
        {
            ["Hitl:Auth:SigningKey"] = "",
            ["Hitl:Auth:Authority"] = "http://localhost:8081/realms/hitl",
            ["Hitl:Auth:RequireHttpsMetadata"] = "false",
        });

        Assert.That(refused, Does.Contain("Hitl:Auth:Authority: must be https"));
    }

    [Test]
    public void An_api_key_with_a_misspelt_role_is_refused()
    {
        var message = StartUpFailure(new()
        {
            ["Hitl:Auth:ApiKeys:0:Id"] = "chat",
            ["Hitl:Auth:ApiKeys:0:Key"] = "chat-key-123",
            ["Hitl:Auth:ApiKeys:0:Roles:0"] = "prodcut",
        });

        Assert.That(message, Does.Contain("Hitl:Auth:ApiKeys:0:Roles: 'prodcut' is not a role"));
    }

    [Test]
    public void An_api_key_needs_exactly_one_of_key_and_hash_and_an_id()
    {
        var message = StartUpFailure(new()
        {
            ["Hitl:Auth:ApiKeys:0:Key"] = "chat-key-123",
            ["Hitl:Auth:ApiKeys:0:KeySha256"] = new string('a', 64),
            ["Hitl:Auth:ApiKeys:0:Roles:0"] = "product",
        });

        Assert.That(message, Does.Contain("Hitl:Auth:ApiKeys:0:Key: set exactly one of Key and KeySha256"));
        Assert.That(message, Does.Contain("Hitl:Auth:ApiKeys:0:Id: is required"));
    }

    [Test]
    public void Two_callers_with_the_same_key_are_refused()
    {
        var message = StartUpFailure(new()
        {
            ["Hitl:Auth:ApiKeys:0:Id"] = "a",
            ["Hitl:Auth:ApiKeys:0:Key"] = "same-key-123",
            ["Hitl:Auth:ApiKeys:0:Roles:0"] = "product",
            ["Hitl:Auth:ApiKeys:1:Id"] = "b",
            ["Hitl:Auth:ApiKeys:1:Key"] = "same-key-123",
            ["Hitl:Auth:ApiKeys:1:Roles:0"] = "ml",
        });

        Assert.That(message, Does.Contain("Hitl:Auth:ApiKeys: entries 0, 1 hold the same key"));
    }

    [Test]
    public void An_api_key_shaped_like_a_jwt_is_refused()
    {
        var message = StartUpFailure(new()
        {
            ["Hitl:Auth:ApiKeys:0:Id"] = "a",
            ["Hitl:Auth:ApiKeys:0:Key"] = "part.two.three",
            ["Hitl:Auth:ApiKeys:0:Roles:0"] = "product",
        });

        Assert.That(message, Does.Contain("Hitl:Auth:ApiKeys:0:Key: must not contain whitespace or exactly two dots"));
    }
}
