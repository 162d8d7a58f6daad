using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using HitlLoop.Embedded;
using HitlLoop.ReviewQueue;
using HitlLoop.ReviewQueue.Api;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HitlLoop.Tests.Security;

/// <summary>Which credentials a service accepts, and what a caller is told when it refuses them.</summary>
public sealed class AuthenticationTests
{
    private const string CarolsKey = "carol-api-key-1";
    private const string DavesKey = "dave-api-key-2";

    private HitlApp<ReviewQueueService> _app = null!;

    [SetUp]
    public void Start() => _app = new HitlApp<ReviewQueueService>(new Dictionary<string, string?>
    {
        ["Hitl:Auth:ApiKeys:0:Id"] = "carol",
        ["Hitl:Auth:ApiKeys:0:Name"] = "Carol",
        ["Hitl:Auth:ApiKeys:0:Key"] = CarolsKey,
        ["Hitl:Auth:ApiKeys:0:Roles:0"] = "reviewer",
        ["Hitl:Auth:ApiKeys:1:Id"] = "dave",
        ["Hitl:Auth:ApiKeys:1:KeySha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DavesKey))),
        ["Hitl:Auth:ApiKeys:1:Roles:0"] = "lead",
    });

    [TearDown]
    public async Task Stop() => await _app.DisposeAsync();

    private static string Token(Dictionary<string, object> claims, byte[]? key = null, string audience = "hitl-loop", string issuer = "hitl-loop", DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? TestAuth.Signing.Key), SecurityAlgorithms.HmacSha256),
        });
    }

    private static Dictionary<string, object> Alice(string roleClaim = "roles", object? roles = null) =>
        new() { ["sub"] = "alice", ["name"] = "Alice Example", [roleClaim] = roles ?? new[] { "reviewer" } };

    private async Task<HttpResponseMessage> Me(string credentials) =>
        await _app.ClientWithBearer(credentials).GetAsync(new Uri("/api/reviewers/me", UriKind.Relative));

    private static async Task<ProblemDetails> Problem(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return (await response.Content.ReadFromJsonAsync<ProblemDetails>())!;
    }

    [Test]
    public async Task A_reviewer_is_whoever_the_token_names()
    {
        using var response = await Me(Token(Alice()));

        var me = await response.Content.ReadFromJsonAsync<ReviewerProfile>();
        Assert.That((me!.Id, me.Name), Is.EqualTo(("alice", "Alice Example")));
        Assert.That(me.Roles, Is.EqualTo(new[] { "reviewer" }));
    }

    [Test]
    public async Task An_api_key_signs_its_caller_in_with_the_configured_id_name_and_roles()
    {
        using var response = await Me(CarolsKey);

        var me = await response.Content.ReadFromJsonAsync<ReviewerProfile>();
        Assert.That(me!.Id, Is.EqualTo("carol"));
        Assert.That(me.Name, Is.EqualTo("Carol"));
        Assert.That(me.Roles, Is.EqualTo(new[] { "reviewer" }));
    }

    [Test]
    public async Task A_key_configured_by_its_hash_works_like_a_plain_one()
    {
        using var response = await Me(DavesKey);

        var me = await response.Content.ReadFromJsonAsync<ReviewerProfile>();
        Assert.That(me!.Id, Is.EqualTo("dave"));
        Assert.That(me.Roles, Is.EqualTo(new[] { "lead" }));
    }

    [Test]
    public async Task An_unknown_api_key_is_a_401_problem_with_a_bearer_challenge()
    {
        using var response = await Me("not-a-key-anyone-has");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.Single().Scheme, Is.EqualTo("Bearer"));
        Assert.That((await Problem(response)).Detail, Does.Contain("not a known API key"));
    }

    [Test]
    public async Task A_request_without_credentials_is_told_how_to_send_them()
    {
        using var response = await _app.CreateClient().GetAsync(new Uri("/api/reviewers/me", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        Assert.That((await Problem(response)).Detail, Does.Contain("Authorization: Bearer"));
    }

    [Test]
    public async Task An_expired_token_is_a_401_saying_so()
    {
        using var response = await Me(Token(Alice(), expires: DateTime.UtcNow.AddHours(-1)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("invalid_token"));
        Assert.That((await Problem(response)).Detail, Does.Contain("expired"));
    }

    [Test]
    public async Task A_token_signed_with_another_key_is_a_401()
    {
        using var response = await Me(Token(Alice(), key: RandomNumberGenerator.GetBytes(32)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Problem(response)).Detail, Does.Contain("signature"));
    }

    [Test]
    public async Task A_token_for_another_audience_is_a_401()
    {
        using var response = await Me(Token(Alice(), audience: "some-other-api"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Problem(response)).Detail, Does.Contain("audience"));
    }

    [Test]
    public async Task A_token_from_an_untrusted_issuer_is_a_401()
    {
        using var response = await Me(Token(Alice(), issuer: "https://elsewhere.example.com"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Problem(response)).Detail, Does.Contain("issuer"));
    }

    [Test]
    public async Task A_token_that_names_no_subject_is_a_401()
    {
        using var response = await Me(Token(new Dictionary<string, object> { ["name"] = "Nobody", ["roles"] = new[] { "reviewer" } }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Problem(response)).Detail, Does.Contain("sub"));
    }

    [Test]
    public async Task A_token_signed_with_the_none_algorithm_is_a_401()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "hitl-loop",
            Audience = "hitl-loop",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = Alice(roles: new[] { "admin" }),
        });

        using var response = await Me(unsigned);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("role")]
    [TestCase("http://schemas.microsoft.com/ws/2008/06/identity/claims/role")]
    public async Task Roles_in_the_standard_role_claims_count_too(string claim)
    {
        using var response = await Me(Token(Alice(claim, "Reviewer")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Content.ReadFromJsonAsync<ReviewerProfile>())!.Roles, Is.EqualTo(new[] { "reviewer" }));
    }

    [Test]
    public async Task A_deployment_can_read_roles_from_a_claim_of_its_own_choosing()
    {
        await using var app = new HitlApp<ReviewQueueService>(new Dictionary<string, string?> { ["Hitl:Auth:RoleClaim"] = "groups" });

        using var response = await app.ClientWithBearer(Token(Alice("groups", new[] { "reviewer", "unrelated-group" })))
            .GetAsync(new Uri("/api/reviewers/me", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_caller_without_the_role_is_told_which_roles_the_endpoint_needs()
    {
        using var response = await _app.ClientAs("support-bot", HitlRoles.Product).GetAsync(new Uri("/api/reviews", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var problem = await Problem(response);
        Assert.That(problem.Title, Is.EqualTo("Not allowed"));
        Assert.That(problem.Detail, Does.Contain("reviewer, lead, admin").And.Contain("support-bot holds the role product"));
    }

    [Test]
    public async Task A_reviewer_cannot_read_queue_health_but_a_lead_can()
    {
        using var reviewer = await _app.ReviewerClient().GetAsync(new Uri("/api/queue/stats", UriKind.Relative));
        using var lead = await _app.ClientAs("lee", HitlRoles.Lead).GetAsync(new Uri("/api/queue/stats", UriKind.Relative));

        Assert.That(reviewer.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(lead.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task The_probes_the_api_description_and_the_reviewer_page_need_no_credentials()
    {
        using var client = _app.CreateClient();

        foreach (var path in new[] { "/health/live", "/health/ready", "/openapi/v1.json", "/review/", "/review/app.js" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        }
    }

    [Test]
    public async Task Without_the_development_issuer_there_is_no_token_endpoint()
    {
        using var response = await _app.ClientAs("root", HitlRoles.Admin).PostAsJsonAsync("/api/auth/tokens", new { subject = "x", roles = new[] { "reviewer" } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}

/// <summary>The embedded host's own issuer: a key made on first start in the data directory, a command and an endpoint that mint.</summary>
public sealed class DevelopmentIssuerTests
{
    private string _dataDirectory = null!;

    // The test hosts trust a fixed key; an empty one leaves the development issuer to make its own, as a first start does.
    private static Dictionary<string, string?> OwnKey => new() { ["Hitl:Auth:SigningKey"] = "" };

    [SetUp]
    public void NewDataDirectory() => _dataDirectory = Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));

    [TearDown]
    public void Clean()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static async Task<HttpResponseMessage> Me(HitlApp<EmbeddedHost> app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(new Uri("/api/reviewers/me", UriKind.Relative));
    }

    [Test]
    public async Task A_token_from_the_development_issuer_works_and_its_key_survives_a_restart()
    {
        string token;
        await using (var first = new HitlApp<EmbeddedHost>(OwnKey, _dataDirectory))
        {
            token = first.Services.GetRequiredService<HitlTokenIssuer>()
                .Issue(new TokenRequest { Subject = "alice", Name = "Alice", Roles = ["reviewer"] }).Token;
            using var response = await Me(first, token);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var keyFile = Path.Combine(_dataDirectory, "auth", "signing-key");
        Assert.That(File.Exists(keyFile), Is.True);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(keyFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        await using var second = new HitlApp<EmbeddedHost>(OwnKey, _dataDirectory);
        using var again = await Me(second, token);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a token minted before the restart");
    }

    [Test]
    public async Task The_token_command_mints_a_token_the_host_accepts()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hitl:Embedded:DataDirectory"] = _dataDirectory,
            ["Hitl:Auth:DevelopmentIssuer"] = "true",
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = TokenCommand.Run(["token", "--sub", "erin", "--name", "Erin Reviewer", "--role", "reviewer", "--role", "lead", "--hours", "2"], configuration, output, error);

        Assert.That(exitCode, Is.Zero, error.ToString());
        await using var app = new HitlApp<EmbeddedHost>(OwnKey, _dataDirectory);
        using var response = await Me(app, output.ToString().Trim());
        var me = await response.Content.ReadFromJsonAsync<ReviewerProfile>();
        Assert.That(me!.Id, Is.EqualTo("erin"));
        Assert.That(me.Name, Is.EqualTo("Erin Reviewer"));
        Assert.That(me.Roles, Is.EqualTo(new[] { "reviewer", "lead" }));
    }

    [TestCase("--sub", "erin", "--role", "superuser")]
    [TestCase("--role", "reviewer")]
    [TestCase("--sub", "erin", "--role", "reviewer", "--hours", "1000")]
    [TestCase("--sub", "erin", "--colour", "blue")]
    public void The_token_command_refuses_bad_arguments_with_its_usage(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = TokenCommand.Run(["token", .. arguments], new ConfigurationBuilder().Build(), output, error);

        Assert.That(exitCode, Is.EqualTo(2));
        Assert.That(output.ToString(), Is.Empty);
        Assert.That(error.ToString(), Does.Contain("usage: dotnet run --project services/Embedded -- token"));
    }

    [Test]
    public void The_token_command_without_a_key_says_how_to_get_one()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = TokenCommand.Run(["token", "--sub", "erin", "--role", "reviewer"], new ConfigurationBuilder().Build(), output, error);

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("Hitl:Auth:DevelopmentIssuer").And.Contain("Hitl:Auth:SigningKey"));
    }

    [Test]
    public async Task An_admin_mints_a_token_for_a_reviewer_over_http()
    {
        await using var app = new HitlApp<EmbeddedHost>(OwnKey, _dataDirectory);
        var admin = app.Services.GetRequiredService<HitlTokenIssuer>().Issue(new TokenRequest { Subject = "root", Roles = ["admin"] }).Token;
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);

        using var minted = await client.PostAsJsonAsync("/api/auth/tokens", new { subject = "frank", name = "Frank", roles = new[] { "reviewer" }, hours = 1 });
        var issued = await minted.Content.ReadFromJsonAsync<IssuedToken>();
        using var me = await Me(app, issued!.Token);

        Assert.That(minted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(issued.ExpiresAt, Is.EqualTo(DateTimeOffset.UtcNow.AddHours(1)).Within(TimeSpan.FromMinutes(1)));
        Assert.That((await me.Content.ReadFromJsonAsync<ReviewerProfile>())!.Id, Is.EqualTo("frank"));
    }

    [Test]
    public async Task Only_an_admin_may_mint_and_a_bad_request_names_the_field()
    {
        await using var app = new HitlApp<EmbeddedHost>(OwnKey, _dataDirectory);
        var issuer = app.Services.GetRequiredService<HitlTokenIssuer>();
        HttpClient As(string role)
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issuer.Issue(new TokenRequest { Subject = role, Roles = [role] }).Token);
            return client;
        }

        using var byLead = await As(HitlRoles.Lead).PostAsJsonAsync("/api/auth/tokens", new { subject = "x", roles = new[] { "admin" } });
        using var unknownRole = await As(HitlRoles.Admin).PostAsJsonAsync("/api/auth/tokens", new { subject = "x", roles = new[] { "root" } });

        Assert.That(byLead.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(unknownRole.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await unknownRole.Content.ReadAsStringAsync(), Does.Contain("\"roles\""));
    }

    [Test]
    public async Task The_demo_api_keys_of_the_embedded_host_sign_in_the_demo_reviewer()
    {
        await using var app = new HitlApp<EmbeddedHost>(OwnKey, _dataDirectory);

        using var response = await Me(app, "demo-token");

        var me = await response.Content.ReadFromJsonAsync<ReviewerProfile>();
        Assert.That(me!.Id, Is.EqualTo("demo-reviewer"));
        Assert.That(me.Name, Is.EqualTo("Demo Reviewer"));
        Assert.That(me.Roles, Is.EqualTo(new[] { "reviewer", "lead" }));
    }
}
