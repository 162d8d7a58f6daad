using HitlLoop.Router;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.ServiceDefaults;

public sealed class SectionOptionsTests
{
    [Test]
    public void A_bad_setting_stops_start_up_with_the_full_key_named()
    {
        var failure = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await ServiceHarness.StartAsync([new RouterService()], new Dictionary<string, string?>
            {
                ["Router:DefaultConfidenceThreshold"] = "1.7",
                ["Router:Products:lenient-bot:ConfidenceThreshold"] = "-0.2",
            }));

        Assert.That(failure!.Message, Does.Contain("Router:DefaultConfidenceThreshold"));
        Assert.That(failure.Message, Does.Contain("Router:Products:lenient-bot:ConfidenceThreshold"));
    }

    [Test]
    public void A_nested_setting_is_validated_too()
    {
        var failure = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            await ServiceHarness.StartAsync([new RouterService()], new Dictionary<string, string?> { ["Hitl:RabbitMq:PrefetchCount"] = "0" }));

        Assert.That(failure!.Message, Does.Contain("Hitl:RabbitMq:PrefetchCount"));
    }
}
