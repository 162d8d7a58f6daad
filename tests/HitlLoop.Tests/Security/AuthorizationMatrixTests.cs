using System.Net;
using System.Text;
using HitlLoop.Embedded;
using HitlLoop.Feedback;
using HitlLoop.PatternLearner;
using HitlLoop.ReviewQueue;
using HitlLoop.Router;
using HitlLoop.Tests.Support;
using HitlLoop.TrainingOrchestrator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Security;

/// <summary>
/// Who may call what, written down here independently of the code: for every endpoint a host maps, a caller without
/// credentials gets 401, a caller holding only roles the table does not allow gets 403, and each allowed role gets through.
/// An endpoint missing from the table fails the run, so a new one cannot ship without a decision.
/// </summary>
[TestFixtureSource(nameof(Hosts))]
public sealed class AuthorizationMatrixTests(string host)
{
    private const string Reviewer = "reviewer";
    private const string Lead = "lead";
    private const string Admin = "admin";
    private const string Product = "product";
    private const string Ml = "ml";

    private static readonly string[] AllRoles = [Reviewer, Lead, Admin, Product, Ml];

    private static readonly Dictionary<string, string[]> Router = new()
    {
        ["GET /api/router/decisions/{responseId}"] = [Lead, Admin],
        ["GET /api/router/stats"] = [Lead, Ml, Admin],
        ["GET /api/router/stats/daily"] = [Lead, Ml, Admin],
        ["GET /api/router/policy"] = [Lead, Admin],
        ["GET /api/router/thresholds"] = [Lead, Ml, Admin],
        ["GET /api/router/policies/{productId}"] = [Lead, Admin],
        ["PUT /api/router/policies/{productId}"] = [Admin],
        ["GET /api/router/policies/{productId}/budget"] = [Lead, Admin],
        ["GET /api/router/policies/{productId}/shadow"] = [Lead, Admin],
        ["PUT /api/router/policies/{productId}/shadow"] = [Admin],
        ["DELETE /api/router/policies/{productId}/shadow"] = [Admin],
        ["POST /api/responses"] = [Product, Admin],
    };

    private static readonly Dictionary<string, string[]> ReviewQueue = new()
    {
        ["GET /api/reviews/"] = [Reviewer, Lead, Admin],
        ["GET /api/reviews/{id}"] = [Reviewer, Lead, Admin],
        ["POST /api/reviews/claim"] = [Reviewer, Lead, Admin],
        ["POST /api/reviews/{id}/claim"] = [Reviewer, Lead, Admin],
        ["POST /api/reviews/{id}/release"] = [Reviewer, Lead, Admin],
        ["POST /api/reviews/{id}/extend"] = [Reviewer, Lead, Admin],
        ["POST /api/reviews/{id}/skip"] = [Reviewer, Lead, Admin],
        ["GET /api/reviews/by-response/{responseId}"] = [Reviewer, Lead, Product, Admin],
        ["GET /api/reviewers/me/reviews"] = [Reviewer, Lead, Admin],
        ["PUT /api/reviewers/me/availability"] = [Reviewer, Lead, Admin],
        ["GET /api/reviewers/"] = [Lead, Admin],
        ["GET /api/reviewers/{id}"] = [Lead, Admin],
        ["PUT /api/reviewers/{id}"] = [Lead, Admin],
        ["POST /api/reviewers/{id}/deactivate"] = [Lead, Admin],
        ["POST /api/reviewers/{id}/activate"] = [Lead, Admin],
        ["POST /api/reviews/{id}/submit"] = [Reviewer, Lead, Admin],
        ["GET /api/reviewers/me/"] = [Reviewer, Lead, Admin],
        ["GET /api/queue/stats"] = [Lead, Admin],
        ["GET /api/queue/events"] = [Reviewer, Lead, Admin],
    };

    private static readonly Dictionary<string, string[]> Feedback = new()
    {
        ["GET /api/feedback/metrics"] = [Lead, Ml, Admin],
        ["GET /api/feedback/metrics/daily"] = [Lead, Ml, Admin],
        ["GET /api/feedback/metrics/series"] = [Lead, Ml, Admin],
        ["GET /api/feedback/agreement"] = [Lead, Ml, Admin],
        ["GET /api/feedback/items/disputed"] = [Lead, Admin],
        ["GET /api/feedback/items/{responseId}"] = [Lead, Admin],
        ["POST /api/feedback/items/{responseId}/adjudication"] = [Lead, Admin],
        ["GET /api/feedback/golden"] = [Ml, Lead, Admin],
        ["GET /api/feedback/exports/sft.jsonl"] = [Ml, Lead, Admin],
        ["GET /api/feedback/exports/dpo.jsonl"] = [Ml, Lead, Admin],
        ["GET /api/feedback/exports/golden.csv"] = [Ml, Lead, Admin],
        ["GET /api/feedback/reviews/{reviewId}"] = [Lead, Admin],
    };

    private static readonly Dictionary<string, string[]> PatternLearner = new()
    {
        ["GET /api/guidance"] = [Product, Admin],
        ["POST /api/guidance"] = [Product, Admin],
        ["GET /api/patterns/"] = [Lead, Admin],
        ["GET /api/patterns/recurrence"] = [Lead, Admin],
        ["GET /api/patterns/{patternId}"] = [Lead, Admin],
        ["POST /api/patterns/{patternId}/approve"] = [Lead, Admin],
        ["PUT /api/patterns/{patternId}/rule"] = [Lead, Admin],
        ["POST /api/patterns/{patternId}/retire"] = [Lead, Admin],
    };

    private static readonly Dictionary<string, string[]> TrainingOrchestrator = new()
    {
        ["GET /api/datasets/"] = [Ml, Lead, Admin],
        ["GET /api/datasets/{id}"] = [Ml, Lead, Admin],
        ["GET /api/datasets/{id}/manifest"] = [Ml, Lead, Admin],
        ["GET /api/datasets/{id}/sft.jsonl"] = [Ml, Lead, Admin],
        ["GET /api/datasets/{id}/preference.jsonl"] = [Ml, Lead, Admin],
        ["POST /api/retrain"] = [Lead, Admin],
        ["GET /api/retrain-requests"] = [Ml, Lead, Admin],
        ["POST /api/retrain-requests/{requestId}/acknowledge"] = [Ml, Lead, Admin],
        ["POST /api/retrain-requests/{requestId}/training"] = [Ml, Lead, Admin],
        ["GET /api/models"] = [Ml, Lead, Admin],
    };

    /// <summary>What only the embedded host serves: the development issuer.</summary>
    private static readonly Dictionary<string, string[]> EmbeddedOnly = new()
    {
        ["POST /api/auth/tokens"] = [Admin],
    };

    /// <summary>The only endpoints open to anyone: probes, the API description, and the reviewer page (it signs in itself).</summary>
    private static readonly string[] AnonymousEverywhere = ["* /health/live", "* /health/ready", "GET /openapi/{documentName}.json"];

    private static readonly string[] AnonymousReviewPage = ["GET /", "GET /review", "GET /review/{file}"];

    private static readonly Dictionary<string, (Func<IHitlApp> Start, Dictionary<string, string[]> Table, string[] Anonymous)> Cases = new()
    {
        ["router"] = (() => new HitlApp<RouterService>(), Router, AnonymousEverywhere),
        ["review-queue"] = (() => new HitlApp<ReviewQueueService>(), ReviewQueue, [.. AnonymousEverywhere, .. AnonymousReviewPage]),
        ["feedback"] = (() => new HitlApp<FeedbackService>(), Feedback, AnonymousEverywhere),
        ["pattern-learner"] = (() => new HitlApp<PatternLearnerService>(), PatternLearner, AnonymousEverywhere),
        ["training-orchestrator"] = (() => new HitlApp<TrainingOrchestratorService>(), TrainingOrchestrator, AnonymousEverywhere),
        ["embedded"] = (
            () => new HitlApp<EmbeddedHost>(),
            new[] { Router, ReviewQueue, Feedback, PatternLearner, TrainingOrchestrator, EmbeddedOnly }.SelectMany(t => t).ToDictionary(),
            [.. AnonymousEverywhere, .. AnonymousReviewPage]),
    };

    private IHitlApp _app = null!;
    private List<(string Key, RouteEndpoint Endpoint)> _endpoints = null!;

    public static IEnumerable<string> Hosts => Cases.Keys;

    private Dictionary<string, string[]> Table => Cases[host].Table;

    [OneTimeSetUp]
    public void Start()
    {
        _app = Cases[host].Start();
        _endpoints = [.. _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(e => (Key(e), e))];
    }

    [OneTimeTearDown]
    public async Task Stop() => await _app.DisposeAsync();

    [Test]
    public void The_table_names_every_endpoint_and_only_the_listed_ones_are_anonymous()
    {
        var anonymous = _endpoints.Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(e => e.Key);
        var guarded = _endpoints.Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null).Select(e => e.Key);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous, Is.EquivalentTo(Cases[host].Anonymous), "endpoints open to anyone");
            Assert.That(guarded, Is.EquivalentTo(Table.Keys), "endpoints in the table (each must have a row, and each row an endpoint)");
        });
    }

    [Test]
    public async Task Every_endpoint_answers_401_with_a_problem_and_a_challenge_to_a_caller_without_credentials()
    {
        using var client = _app.CreateClient();
        var failures = new List<string>();
        foreach (var (key, endpoint) in Guarded())
        {
            using var response = await client.SendAsync(Request(endpoint), HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.Unauthorized ||
                response.Content.Headers.ContentType?.MediaType != "application/problem+json" ||
                !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
            {
                failures.Add($"{key}: {(int)response.StatusCode} {response.Content.Headers.ContentType} challenge '{response.Headers.WwwAuthenticate}'");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task Every_endpoint_answers_403_to_a_caller_holding_only_roles_it_does_not_allow()
    {
        var failures = new List<string>();
        foreach (var (key, endpoint) in Guarded())
        {
            var others = AllRoles.Except(Table[key]).ToArray();
            using var client = _app.ClientAs("outsider", others);
            using var response = await client.SendAsync(Request(endpoint), HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.Forbidden || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{key} as {string.Join("+", others)}: {(int)response.StatusCode}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task Every_endpoint_lets_each_role_it_allows_through()
    {
        var failures = new List<string>();
        foreach (var (key, endpoint) in Guarded())
        {
            foreach (var role in Table[key])
            {
                using var client = _app.ClientAs($"a-{role}", role);
                using var response = await client.SendAsync(Request(endpoint), HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)response.StatusCode >= 500)
                {
                    failures.Add($"{key} as {role}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.That(failures, Is.Empty);
    }

    private IEnumerable<(string Key, RouteEndpoint Endpoint)> Guarded() =>
        _endpoints.Where(e => e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null && Table.ContainsKey(e.Key));

    private static string Key(RouteEndpoint endpoint) =>
        $"{endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Single() ?? "*"} {endpoint.RoutePattern.RawText}";

    /// <summary>The endpoint's method and route, each parameter given a dummy value, and "{}" as the body of a write.</summary>
    private static HttpRequestMessage Request(RouteEndpoint endpoint)
    {
        var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Single() ?? "GET";
        var path = endpoint.RoutePattern.RawText!;
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            path = path.Replace($"{{{parameter.Name}}}", "x", StringComparison.Ordinal);
        }

        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }
}
