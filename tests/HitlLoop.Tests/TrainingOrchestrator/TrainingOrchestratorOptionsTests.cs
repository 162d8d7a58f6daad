using HitlLoop.TrainingOrchestrator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.TrainingOrchestrator;

public sealed class TrainingOrchestratorOptionsTests
{
    private static OptionsValidationException? Validate(string key, string value)
    {
        // An empty content root: the test output holds whichever service's appsettings.json was copied there last.
        var contentRoot = Directory.CreateTempSubdirectory("hitl-options-").FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"TrainingOrchestrator:{key}"] = value });
        new TrainingOrchestratorService().AddServices(builder);
        using var services = builder.Services.BuildServiceProvider();
        try
        {
            _ = services.GetRequiredService<IOptions<TrainingOrchestratorOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException e)
        {
            return e;
        }
    }

    [TestCase("RetrainThreshold", "0")]
    [TestCase("EvalFraction", "0.7")]
    [TestCase("PublicBaseUrl", "datasets/here")]
    [TestCase("PublicBaseUrl", "ftp://ml.example.com/")]
    public void A_bad_setting_is_rejected_with_a_message_naming_its_key(string key, string value) =>
        Assert.That(Validate(key, value)?.Message, Does.Contain($"TrainingOrchestrator:{key}"));

    [Test]
    public void The_defaults_are_valid() =>
        Assert.That(Validate("BaseModelVersion", "support-bot-2025.06.1"), Is.Null);
}
