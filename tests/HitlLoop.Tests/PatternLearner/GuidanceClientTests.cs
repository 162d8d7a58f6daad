using HitlLoop.Client;
using HitlLoop.Contracts.Guidance;
using HitlLoop.PatternLearner;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace HitlLoop.Tests.PatternLearner;

/// <summary>The typed client a .NET chat product uses, against the real guidance endpoint.</summary>
public sealed class GuidanceClientTests
{
    [Test]
    public async Task The_client_reads_corrections_and_rules_for_a_product()
    {
        await using var app = new HitlApp<PatternLearnerService>();
        var learner = app.Services.GetRequiredService<CorrectionLearner>();
        foreach (var id in new[] { "ge-1", "ge-2", "ge-3" })
        {
            await learner.LearnAsync(CorrectionAcceptedConsumerTests.Correction(id, $"Refund the duplicate charge {id}", "billing", 0), CancellationToken.None);
        }

        var client = HitlClientRegistration.CreateGuidanceClient(app.ClientAs("support-bot", HitlRoles.Product));
        var guidance = await client.GetGuidanceAsync("support-bot", query: "duplicate charge refund", limit: 2);

        Assert.That(guidance.ProductId, Is.EqualTo("support-bot"));
        Assert.That(guidance.Corrections, Has.Count.EqualTo(2));
        Assert.That(guidance.Corrections[0].CorrectedText, Is.EqualTo(CorrectionAcceptedConsumerTests.Concise));
        Assert.That(guidance.Rules.Select(r => r.PatternType), Does.Contain("over_verbose"));
        Assert.That(guidance.Rules[0].Rule.Do, Is.Not.Empty);
    }

    [Test]
    public async Task A_product_posts_its_query_and_draft_and_gets_a_prompt_block_naming_what_it_holds()
    {
        await using var app = new HitlApp<PatternLearnerService>();
        var learner = app.Services.GetRequiredService<CorrectionLearner>();
        foreach (var id in new[] { "ge-1", "ge-2", "ge-3" })
        {
            await learner.LearnAsync(CorrectionAcceptedConsumerTests.Correction(id, $"Refund the duplicate charge {id}", "billing", 0), CancellationToken.None);
        }

        var client = HitlClientRegistration.CreateGuidanceClient(app.ClientAs("support-bot", HitlRoles.Product));
        var guidance = await client.GetGuidanceAsync(new GuidanceRequest
        {
            ProductId = "support-bot",
            Category = "Billing",
            Query = "I paid twice for one order, can I have the money back?",
            Draft = new string('x', 20_000) + " thank you so much for reaching out",
            Limit = 1,
        });

        Assert.That(guidance.Retrieval, Is.EqualTo("minilm-l6-cosine-feedback"));
        var rule = guidance.Rules.Single(r => r.PatternType == "over_verbose");
        Assert.That((rule.PatternId, rule.Version, rule.Source), Is.EqualTo(("support-bot:billing:over_verbose", 1, "template")));
        Assert.That(guidance.Prompt, Does.StartWith("Lessons from human review of earlier answers (support-bot, billing)."));
        Assert.That(guidance.Prompt, Does.Contain(rule.Rule.Do).And.Contain(CorrectionAcceptedConsumerTests.Concise).And.Contain(guidance.Corrections.Single().Query));
    }

    [Test]
    public async Task A_bad_request_surfaces_as_an_api_exception_with_the_problem()
    {
        await using var app = new HitlApp<PatternLearnerService>();
        var client = HitlClientRegistration.CreateGuidanceClient(app.ClientAs("support-bot", HitlRoles.Product));

        var failure = Assert.CatchAsync<ApiException>(() => client.GetGuidanceAsync("support-bot", limit: 99));

        Assert.That((int)failure!.StatusCode, Is.EqualTo(400));
        Assert.That(failure.Content, Does.Contain("limit"));
    }

    [Test]
    public async Task The_registered_client_asks_the_configured_address_with_the_query_encoded_and_its_key()
    {
        var recorder = new RecordingHandler("""{"productId":"support-bot","corrections":[],"rules":[],"prompt":"","retrieval":"minilm-l6-cosine-feedback"}""");
        var services = new ServiceCollection();
        services.AddHitlGuidanceClient(new Uri("http://pattern-learner:8080"), apiKey: "support-bot-key").ConfigurePrimaryHttpMessageHandler(() => recorder);
        await using var provider = services.BuildServiceProvider();

        var guidance = await provider.GetRequiredService<IGuidanceClient>().GetGuidanceAsync("support-bot", query: "charged twice?", limit: 2);

        Assert.That(guidance.Corrections, Is.Empty);
        Assert.That(recorder.Requested?.AbsoluteUri, Is.EqualTo("http://pattern-learner:8080/api/guidance?productId=support-bot&query=charged%20twice%3F&limit=2"));
        Assert.That(recorder.Authorization?.ToString(), Is.EqualTo("Bearer support-bot-key"));
    }

    private sealed class RecordingHandler(string json) : HttpMessageHandler
    {
        public Uri? Requested { get; private set; }

        public System.Net.Http.Headers.AuthenticationHeaderValue? Authorization { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requested = request.RequestUri;
            Authorization = request.Headers.Authorization;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
            });
        }
    }
}
