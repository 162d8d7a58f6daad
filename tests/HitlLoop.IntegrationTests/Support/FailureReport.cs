namespace HitlLoop.IntegrationTests.Support;

/// <summary>
/// What a failed test that ran processes prints in its tear-down: each process's output, then why the test failed
/// again, last, so that a log read from its end (a CI summary) shows the reason before the outputs.
/// </summary>
internal static class FailureReport
{
    /// <summary>Writes the outputs and the failure if the current test failed; nothing otherwise.</summary>
    public static async Task WriteIfFailedAsync(params IEnumerable<(string Name, string? Output)> outputs)
    {
        var result = TestContext.CurrentContext.Result;
        if (result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            return;
        }

        foreach (var (name, output) in outputs)
        {
            await TestContext.Out.WriteLineAsync($"----- {name} output -----\n{output}");
        }

        await TestContext.Out.WriteLineAsync($"----- why {TestContext.CurrentContext.Test.Name} failed -----\n{result.Message}");
    }
}
