using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.IntegrationTests.Infrastructure;
using HitlLoop.IntegrationTests.Support;
using HitlLoop.MlTeamWorker;
using HitlLoop.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HitlLoop.IntegrationTests;

/// <summary>
/// The ML team's side as the README gives it, in Python (examples/ml-team/worker.py, pika and requests) and in C#
/// (examples/HitlLoop.MlTeamWorker, MassTransit), each against TrainingOrchestrator as its own process on real
/// RabbitMQ: a retrain request reaches the worker, which downloads and verifies the dataset and reports a model that
/// the evaluation gate promotes.
/// </summary>
[NonParallelizable]
public sealed class MlTeamWorkerTests
{
    private const string MlTeamKey = "workers-ml-team-key";
    private const int RetrainThreshold = 2;

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "hitl-ml-workers", Guid.NewGuid().ToString("N"));
    private ServiceProcess? _training;
    private Process? _python;
    private IHost? _dotnetWorker;
    private string _pythonOutput = "";

    [TearDown]
    public async Task Stop()
    {
        await FailureReport.WriteIfFailedAsync(("TrainingOrchestrator", _training?.Output), ("worker.py", _pythonOutput));

        if (_python is { HasExited: false })
        {
            _python.Kill(entireProcessTree: true);
        }

        _python?.Dispose();
        if (_dotnetWorker is not null)
        {
            await _dotnetWorker.StopAsync();
            _dotnetWorker.Dispose();
        }

        if (_training is not null)
        {
            await _training.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    [Test]
    public async Task The_python_worker_verifies_the_dataset_and_its_model_is_promoted_by_the_gate()
    {
        if (PythonWithItsModules() is not { } python)
        {
            Assert.Ignore("no python3 with pika and requests (apt-get install -y python3-pika python3-requests)");
            return;
        }

        var vhost = await StartTrainingAsync();
        var worker = new ProcessStartInfo(python) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        worker.ArgumentList.Add(Repository.PathOf("examples", "ml-team", "worker.py"));
        worker.ArgumentList.Add("--once");
        worker.Environment["HITL_AMQP_URI"] = vhost.ToString();
        worker.Environment["HITL_ML_API_KEY"] = MlTeamKey;
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _python = Process.Start(worker)!;
        var output = new System.Text.StringBuilder();
        void Append(string? line)
        {
            lock (output)
            {
                output.AppendLine(line);
                _pythonOutput = output.ToString();
            }

            if (line?.StartsWith("waiting on", StringComparison.Ordinal) == true)
            {
                waiting.TrySetResult();
            }
        }

        _python.OutputDataReceived += (_, e) => Append(e.Data);
        _python.ErrorDataReceived += (_, e) => Append(e.Data);
        _python.BeginOutputReadLine();
        _python.BeginErrorReadLine();
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await AcceptCorrectionsAsync(vhost);
        await _python.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));

        Assert.That(_python.ExitCode, Is.Zero, _pythonOutput);
        Assert.That(_pythonOutput, Does.Contain($"on {RetrainThreshold} examples of ds-000001"));
        await AssertPromotedAsync("support-bot-py-ds-000001");
    }

    [Test]
    public async Task The_dotnet_worker_verifies_the_dataset_and_its_model_is_promoted_by_the_gate()
    {
        var vhost = await StartTrainingAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMlTeamWorker(vhost, new MlTeamOptions { ApiKey = MlTeamKey });
        _dotnetWorker = builder.Build();
        await _dotnetWorker.StartAsync();

        await AcceptCorrectionsAsync(vhost);

        await AssertPromotedAsync("support-bot-cs-ds-000001");
    }

    /// <summary>TrainingOrchestrator as its own process on a fresh virtual host, asking for a retrain every two corrections.</summary>
    private async Task<Uri> StartTrainingAsync()
    {
        var vhost = await BrokerSetup.Broker.CreateVirtualHostAsync("ml-" + Guid.NewGuid().ToString("N")[..10]);
        var port = ServiceProcess.FreePort();
        _training = await ServiceProcess.StartAsync("TrainingOrchestrator", port, new Dictionary<string, string>
        {
            ["Hitl__Transport"] = "RabbitMq",
            ["Hitl__RabbitMq__Uri"] = vhost.ToString(),
            ["Hitl__Store"] = "Embedded",
            ["Hitl__Embedded__DataDirectory"] = _dataRoot,
            ["Hitl__Auth__SigningKey"] = TestAuth.SigningKey,
            ["Hitl__Auth__ApiKeys__0__Id"] = "ml-team",
            ["Hitl__Auth__ApiKeys__0__Key"] = MlTeamKey,
            ["Hitl__Auth__ApiKeys__0__Roles__0"] = "ml",
            ["TrainingOrchestrator__RetrainThreshold"] = RetrainThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TrainingOrchestrator__PublicBaseUrl"] = $"http://127.0.0.1:{port}",
        });
        _training.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MlTeamKey);
        return vhost;
    }

    /// <summary>Feedback's side: two accepted corrections, as it publishes them.</summary>
    private static async Task AcceptCorrectionsAsync(Uri vhost)
    {
        var feedback = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(vhost);
            BusRegistration.ConfigureSerialization(rabbit);
        });
        await feedback.StartAsync();
        try
        {
            for (var i = 0; i < RetrainThreshold; i++)
            {
                await feedback.Publish(new CorrectionAccepted
                {
                    GoldenExampleId = $"ge-worker-{i}",
                    ResponseId = $"resp-worker-{i}",
                    ProductId = "support-bot",
                    Query = "I was charged twice. Can I get the duplicate refunded?",
                    OriginalText = "Refunds are only possible within 14 days.",
                    CorrectedText = $"Duplicate charges are always refunded in full ({i}).",
                    ReviewerId = "reviewer-anna",
                    ReviewerReliability = 0.9,
                    AcceptedAt = DateTimeOffset.UtcNow,
                });
            }
        }
        finally
        {
            await feedback.StopAsync();
        }
    }

    private async Task AssertPromotedAsync(string model)
    {
        var models = await Eventually.Get(
            () => Json.GetAsync(_training!.Http, "api/models"),
            m => m.EnumerateArray().Any(e => e.GetProperty("modelVersion").GetString() == model),
            timeout: TimeSpan.FromSeconds(90),
            what: $"{model} in the model history");
        var recorded = models.EnumerateArray().Single(e => e.GetProperty("modelVersion").GetString() == model);
        Assert.That(recorded.GetProperty("requestId").GetString(), Is.EqualTo("rr-000001"));
        Assert.That(recorded.GetProperty("promoted").GetBoolean(), Is.True, recorded.GetProperty("reasons").ToString());
        Assert.That(recorded.GetProperty("reasons")[0].GetString(), Does.StartWith("accuracy improved"));
        Assert.That(recorded.GetProperty("metrics").GetProperty("accuracy").ValueKind, Is.EqualTo(JsonValueKind.Number));

        // The worker reported each step; the gate's decision closed the request.
        var request = (await Eventually.Get(
            () => Json.GetAsync(_training!.Http, "api/retrain-requests"),
            r => r[0].GetProperty("status").GetString() == "promoted",
            what: "the request to be closed as promoted"))[0];
        Assert.That(
            request.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()),
            Is.EqualTo(new[] { "requested", "acknowledged", "training", "promoted" }));
    }

    /// <summary>Debian's python3 (where apt installs pika and requests) or the one on the PATH, whichever has both.</summary>
    private static string? PythonWithItsModules()
    {
        foreach (var python in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                using var check = Process.Start(new ProcessStartInfo(python, ["-c", "import pika, requests"]) { UseShellExecute = false, RedirectStandardError = true })!;
                check.WaitForExit(TimeSpan.FromSeconds(30));
                if (check.ExitCode == 0)
                {
                    return python;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not there: try the next.
            }
        }

        return null;
    }
}
