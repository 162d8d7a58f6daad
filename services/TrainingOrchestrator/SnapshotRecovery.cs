using Microsoft.Extensions.Options;

namespace HitlLoop.TrainingOrchestrator;

/// <summary>
/// Finishes a snapshot build whose replica died mid-way, once its lease has lapsed: at start-up and then every lease
/// period, so the retrain request goes out even when no new correction arrives to set a build going.
/// </summary>
internal sealed class SnapshotRecovery(RetrainCoordinator coordinator, IOptions<TrainingOrchestratorOptions> options, TimeProvider clock, ILogger<SnapshotRecovery> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SnapshotLease, clock);
        do
        {
            try
            {
                await coordinator.ResumeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not look for an unfinished snapshot build; the next round tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
