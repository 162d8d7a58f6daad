namespace HitlLoop.ExportBench;

/// <summary>
/// Samples the live managed heap from its start until disposed: every half second a full collection, then the heap's
/// size. The peak above the starting heap is what the measured work kept alive; garbage waiting for a collection is
/// not counted (it grows with the run's length whatever the work holds, until the collector reclaims it).
/// </summary>
internal sealed class HeapPeak : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stop = new();
    private readonly long _before;
    private readonly Task _sampler;
    private long _peak;

    private HeapPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _before = GC.GetTotalMemory(forceFullCollection: false);
        _peak = _before;
        _sampler = Task.Run(SampleAsync);
    }

    public static HeapPeak Start() => new();

    /// <summary>The highest heap seen above the starting one, in MiB.</summary>
    public double AboveStartMiB => (Interlocked.Read(ref _peak) - _before) / 1024.0 / 1024.0;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var heap = GC.GetTotalMemory(forceFullCollection: true);
            if (heap > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, heap);
            }
        }
    }
}
