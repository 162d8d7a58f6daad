using HitlLoop.Contracts;
using HitlLoop.Router;
using HitlLoop.Router.Storage;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HitlLoop.Tests.Router;

/// <summary>A stored decision, with every part it may hold, reads back whole in a process that has not written one.</summary>
public sealed class DecisionReadBackTests
{
    [Test]
    public async Task A_decision_reads_back_after_a_restart_learning_terms_and_all()
    {
        var directory = Path.Combine(Path.GetTempPath(), "hitl-tests", Guid.NewGuid().ToString("N"));
        await using (var first = new HitlApp<RouterService>(dataDirectory: directory))
        {
            _ = first.Server;
            await first.Services.GetRequiredService<ResponseRouter>().RouteAsync(
                new ResponseScored { ResponseId = "kept", ProductId = "support-bot", Query = "Can I get a refund?", Confidence = 0.4 }, CancellationToken.None);
        }

        await using var second = new HitlApp<RouterService>(dataDirectory: directory);
        _ = second.Server;
        var decision = await second.Services.GetRequiredService<IDecisionStore>().FindAsync("kept", CancellationToken.None);

        Assert.That(decision!.Learning!.Uncertainty, Is.EqualTo(0.6).Within(1e-9));
        Assert.That(decision.Triggers.Single().Code, Is.EqualTo("low_confidence"));
        Directory.Delete(directory, recursive: true);
    }
}
