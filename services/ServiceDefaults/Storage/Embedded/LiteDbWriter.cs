using System.Collections.Concurrent;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

/// <summary>
/// Runs every write to one LiteDB file on one thread of its own, and commits the writes waiting at that moment
/// together, as one transaction (a group commit).
/// </summary>
/// <remarks>
/// <para>
/// Writers that arrive together share one commit instead of queueing behind one another's; a caller awaits its write
/// without holding a thread-pool thread, so twenty reviewers at once do not starve the pool. One writer also makes
/// every read-then-write a write runs atomic, with no lock in the callers. Reads stay on the callers' threads and see
/// committed data.
/// </para>
/// <para>
/// A commit writes its pages to the log file before it returns, so an answered write is in the operating system's
/// hands and survives a killed process. It does not wait for the disk itself (LiteDB 5.0.21 syncs only at a
/// checkpoint), so a power cut can take the last moments back; MongoDB's journal is the store for that.
/// </para>
/// <para>
/// A checkpoint copies the log into the data file and syncs it, holding every reader and writer meanwhile. LiteDB
/// runs one inside whichever commit takes the log past its checkpoint size. At LiteDB's default of 1,000 pages
/// (8 MB) that took about 10 ms here, and a review (claim, submit, outbox, reviewer stats: about 50 pages) met one
/// in 5% of rounds of a tight loop; the store sets 300 pages, about 4 ms once every six rounds. The writer also
/// checkpoints in the first quiet 50 ms after a write, so where writes pause, as human reviewers' do, requests
/// rarely meet one at all.
/// </para>
/// </remarks>
internal sealed class LiteDbWriter : IDisposable
{
    private const int MaxBatch = 64;

    /// <summary>How long the writer waits without a write before it checkpoints.</summary>
    private static readonly TimeSpan IdleBeforeCheckpoint = TimeSpan.FromMilliseconds(50);

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
    public Task<T> WriteAsync<T>(Func<T> write, Func<Exception, (bool Recovered, T Result)>? recover = null, CancellationToken cancellationToken = default) =>
        Enqueue(new Write<T>(write, careful: null, recover), cancellationToken);

    /// <summary>
    /// Queues a write that first runs <paramref name="optimistic"/>, a fast form that may throw where
    /// <paramref name="careful"/> would not (an insert that meets a stored id, say); if it throws, everything it
    /// wrote is undone and <paramref name="careful"/> runs alone instead.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<T> optimistic, Func<T> careful, CancellationToken cancellationToken = default) =>
        Enqueue(new Write<T>(optimistic, careful, recover: null), cancellationToken);

    private Task<T> Enqueue<T>(Write<T> queued, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
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
        var sinceCheckpoint = false;
        while (!_queue.IsCompleted)
        {
            if (!_queue.TryTake(out var first, sinceCheckpoint ? IdleBeforeCheckpoint : Timeout.InfiniteTimeSpan))
            {
                if (sinceCheckpoint)
                {
                    Checkpoint();
                    sinceCheckpoint = false;
                }

                continue;
            }

            sinceCheckpoint = true;
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

            if (batch[0].TakeCarefulPath())
            {
                return TryCommit(batch);
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

    /// <summary>Copies the log into the data file while no write waits (LiteDB's own checkpoint holds every caller).</summary>
    private void Checkpoint()
    {
        try
        {
            _database.Checkpoint();
        }
        catch (LiteException)
        {
            // Left for the next quiet moment, or for LiteDB's own when the log reaches the checkpoint size.
        }
        catch (IOException)
        {
            // As above: the log stays whole and readable until a checkpoint succeeds.
        }
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

        /// <summary>True once, for a write with a careful form: its next run takes that form.</summary>
        bool TakeCarefulPath();

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<T> write, Func<T>? careful, Func<Exception, (bool Recovered, T Result)>? recover) : IWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        private bool _careful;

        public Task<T> Task => _done.Task;

        public void Run() => _result = _careful ? careful!() : write();

        public bool TakeCarefulPath()
        {
            if (careful is null || _careful)
            {
                return false;
            }

            _careful = true;
            return true;
        }

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
