using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HitlLoop.ServiceDefaults.Messaging.Journal;

/// <summary>
/// At start-up, once the bus runs, delivers every journaled message again to each endpoint that had not finished with
/// it when the process stopped, through MassTransit's own pipeline. Consumers are
/// idempotent by key, so one that had done the work but not reported back does nothing twice.
/// </summary>
public sealed class JournalReplay(MessageJournal journal, JournalRoutes routes, IBus bus, ILogger<JournalReplay> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        await foreach (var entry in journal.UnfinishedAsync(cancellationToken))
        {
            if (routes.MessageType(entry.MessageType) is not { } type)
            {
                logger.LogWarning("Journaled message {MessageId} is a {MessageType}, which nothing here consumes any more", entry.Id, entry.MessageType);
                continue;
            }

            var message = System.Text.Json.JsonSerializer.Deserialize(entry.Body, type, MessageJson.Options)!;
            foreach (var endpoint in entry.Unfinished)
            {
                var target = await bus.GetSendEndpoint(new Uri($"queue:{endpoint}"));
                await target.Send(message, type, context =>
                {
                    context.Headers.Set(MessageJournal.Header, entry.Id);
                }, cancellationToken);
                replayed++;
            }
        }

        if (replayed > 0)
        {
            logger.LogInformation("Delivered {Count} journaled messages again that the last run had not finished", replayed);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
