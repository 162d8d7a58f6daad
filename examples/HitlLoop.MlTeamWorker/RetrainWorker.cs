using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using HitlLoop.Contracts;
using MassTransit;

namespace HitlLoop.MlTeamWorker;

public static class MlTeamWorkerRegistration
{
    /// <summary>The worker's bus: a queue of the team's own bound to RetrainRequested's fanout exchange, on <paramref name="amqp"/>.</summary>
    public static IServiceCollection AddMlTeamWorker(this IServiceCollection services, Uri amqp, MlTeamOptions options, string queue = "ml-team-dotnet-retrain-requested")
    {
        services.AddSingleton(options);
        services.AddHttpClient();
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<RetrainRequestedConsumer>();
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(amqp);
                rabbit.ReceiveEndpoint(queue, endpoint => endpoint.ConfigureConsumer<RetrainRequestedConsumer>(context));
            });
        });
        return services;
    }
}

/// <summary>Who the worker is to HitlLoop: its API key (role ml) and the name its models get.</summary>
public sealed class MlTeamOptions
{
    public required string ApiKey { get; init; }
    public string ModelPrefix { get; init; } = "support-bot-cs";
}

/// <summary>
/// Takes a retrain request: downloads the snapshot's SFT file with the team's key, refuses it unless its SHA-256 is
/// the request's contentHash, trains (replace <see cref="Train"/> with your own), and reports the new model's and the
/// serving model's metrics on the frozen eval split. A refused download throws, so the request lands in the error
/// queue for a person to look at.
/// </summary>
public sealed class RetrainRequestedConsumer(IHttpClientFactory http, MlTeamOptions options, ILogger<RetrainRequestedConsumer> logger) : IConsumer<RetrainRequested>
{
    public async Task Consume(ConsumeContext<RetrainRequested> context)
    {
        var request = context.Message;
        var sft = request.Formats.First(f => f.Format == "sft-jsonl" && f.Split is null or "all");
        await ReportAsync(sft.Url, request.RequestId, "acknowledge", "dotnet worker", context.CancellationToken);
        var (hash, examples) = await DownloadAsync(sft.Url, context.CancellationToken);
        if (hash != request.ContentHash || examples != request.Counts.Examples)
        {
            throw new InvalidDataException($"{sft.Url} holds {examples} examples hashing to {hash}; the request names {request.Counts.Examples} hashing to {request.ContentHash}.");
        }

        await ReportAsync(sft.Url, request.RequestId, "training", $"{examples} examples verified", context.CancellationToken);

        var (metrics, baseline) = Train(examples);
        var model = $"{options.ModelPrefix}-{request.DatasetId}";
        await context.Publish(new RetrainCompleted
        {
            RequestId = request.RequestId,
            NewModelVersion = model,
            Metrics = metrics,
            BaselineMetrics = baseline,
            Promoted = true,
            CompletedAt = DateTimeOffset.UtcNow,
        });
        logger.LogInformation("Trained {Model} on {Examples} examples of {DatasetId} from {Base}", model, examples, request.DatasetId, request.BaseModelVersion);
    }

    /// <summary>Tells TrainingOrchestrator (where the dataset is served) how far the request got.</summary>
    private async Task ReportAsync(Uri datasetUrl, string requestId, string step, string note, CancellationToken cancellationToken)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(datasetUrl, $"/api/retrain-requests/{Uri.EscapeDataString(requestId)}/{step}"))
        {
            Content = JsonContent.Create(new { note }),
        };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        using var client = http.CreateClient(nameof(RetrainRequestedConsumer));
        using var response = await client.SendAsync(post, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Streams the file through SHA-256, counting its lines; nothing is held but a buffer.</summary>
    private async Task<(string Hash, int Lines)> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, url);
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        using var client = http.CreateClient(nameof(RetrainRequestedConsumer));
        using var response = await client.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        var lines = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return ("sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset()), lines);
    }

    /// <summary>Stands in for fine-tuning: the new model's and the serving model's metrics on the eval split.</summary>
    private static (Dictionary<string, double> Metrics, Dictionary<string, double> Baseline) Train(int examples) =>
        (new() { ["accuracy"] = 0.76, ["trainedOn"] = examples }, new() { ["accuracy"] = 0.70, ["trainedOn"] = 0 });
}
