using System.Collections.Concurrent;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

/// <summary>
/// Runs every write to one LiteDB file on one thread of its own, and commits the writes waiting at that moment
/// together, as one transaction (a group commit).
/// </summary>
/// <remarks>
/// LiteDB's cost is per commit (about a millisecond here, however little it writes), so writers that arrive together
/// share one instead of queueing behind one another's; and a caller awaits its write without holding a thread-pool
/// thread, so twenty reviewers at once do not starve the pool. One writer also makes every read-then-write a
/// write runs atomic, with no lock in the callers. Reads stay on the callers' threads and see committed data.
/// Commits run inline on this thread, so LiteDB's log writer writes and syncs each page before the commit returns and
/// an answered write is in the file. Handing that log writer to the thread pool syncs once per commit instead, but
/// then checkpoints wait for pool threads that readers blocked on LiteDB hold: measured, twenty reviewers stalled for
/// seconds.
/// </remarks>
internal sealed class LiteDbWriter : IDisposable
{
    private const int MaxBatch = 64;

    private readonly LiteDatabase _database;
    private readonly BlockingCollection<IWrite> _queue = [];
    private readonly Thread _thread;

    public LiteDbWriter(LiteDatabase database, string name)
    {
        _database = database;
        _thread = new Thread(Run) { IsBackground = true, Name = $"LiteDB writer ({name})" };
        _thread.Start();
    }

    /// <summary>
    /// Queues <paramref name="write"/>; the task completes once the transaction holding it is committed. Should the
    /// write throw, <paramref name="recover"/> may turn the exception into a result (it sees the write run alone).
    /// </summary>
    public Task<T> WriteAsync<T>(Func<T> write, Func<Exception, (bool Recovered, T Result)>? recover = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var queued = new Write<T>(write, recover);
        try
        {
            _queue.Add(queued, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(LiteDbWriter), "The embedded store is closed.");
        }

        return queued.Task;
    }

    private void Run()
    {
        var batch = new List<IWrite>(MaxBatch);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            if (!TryCommit(batch))
            {
                // One write failed and LiteDB undid them all: each runs again alone, so only the faulty one fails.
                foreach (var write in batch)
                {
                    TryCommit([write]);
                }
            }

            batch.Clear();
        }
    }

    private bool TryCommit(IReadOnlyList<IWrite> batch)
    {
        try
        {
            _database.BeginTrans();
            foreach (var write in batch)
            {
                write.Run();
            }

            _database.Commit();
        }
        catch (Exception e)
        {
            RollBack();
            if (batch.Count > 1)
            {
                return false;
            }

            batch[0].Fail(e);
            return true;
        }

        foreach (var write in batch)
        {
            write.Complete();
        }

        return true;
    }

    private void RollBack()
    {
        try
        {
            _database.Rollback();
        }
        catch (LiteException)
        {
            // The engine refused (it is closing, or already undid the transaction itself): nothing was committed.
        }
    }

    /// <summary>Finishes what is queued, then stops taking writes.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private interface IWrite
    {
        void Run();

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<T> write, Func<Exception, (bool Recovered, T Result)>? recover) : IWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;

        public void Run() => _result = write();

        public void Complete() => _done.TrySetResult(_result);

        public void Fail(Exception exception)
        {
            if (recover?.Invoke(exception) is (true, var result))
            {
                _done.TrySetResult(result);
            }
            else
            {
                _done.TrySetException(exception);
            }
        }
    }
}
