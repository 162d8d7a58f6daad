using System.Collections.Concurrent;
using System.Reflection;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

/// <summary>
/// Runs every write to one LiteDB file on one thread of its own, and commits the writes waiting at that moment
/// together, as one transaction (a group commit) that is in the file before any of them is answered.
/// </summary>
/// <remarks>
/// <para>
/// Writers that arrive together share one commit instead of queueing behind one another's; a caller awaits its write
/// without holding a thread-pool thread, so twenty reviewers at once do not starve the pool. One writer also makes
/// every read-then-write a write runs atomic, with no lock in the callers. Reads stay on the callers' threads and see
/// committed data.
/// </para>
/// <para>
/// LiteDB hands a commit's pages to a log writer that awaits more pages. Resumed inline on a plain committing thread,
/// that writer writes and syncs the file after every page: five to ten fsyncs a commit. Commits here run as tasks of
/// a scheduler of their own, so the log writer resumes on the thread pool, as LiteDB intends, writes alongside the
/// commit and syncs once it has caught up. The writer then waits until the log holds every page of the commit and
/// only then answers, so an answered write survives a killed process. LiteDB keeps that wait internal; it is found
/// once, by reflection. Should it be missing (another LiteDB version), commits run inline: slower, never less safe.
/// </para>
/// </remarks>
internal sealed class LiteDbWriter : IDisposable
{
    private const int MaxBatch = 64;

    private readonly LiteDatabase _database;
    private readonly Action? _waitForLog;
    private readonly CommitScheduler _scheduler = new();
    private readonly BlockingCollection<IWrite> _queue = [];
    private readonly Thread _thread;

    public LiteDbWriter(LiteDatabase database, string name)
    {
        _database = database;
        _waitForLog = LogWriterWait(database);
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
        if (Committed(batch) is not { } e)
        {
            foreach (var write in batch)
            {
                write.Complete();
            }

            return true;
        }

        if (batch.Count > 1)
        {
            return false;
        }

        batch[0].Fail(e);
        return true;
    }

    /// <summary>Runs the writes in one transaction and waits until the log holds it; returns what stopped it, if anything.</summary>
    private Exception? Committed(IReadOnlyList<IWrite> batch)
    {
        if (_waitForLog is null)
        {
            return TryRun(batch);
        }

        var failure = _scheduler.Run(() => TryRun(batch));
        _waitForLog();
        return failure;
    }

    private Exception? TryRun(IReadOnlyList<IWrite> batch)
    {
        try
        {
            _database.BeginTrans();
            foreach (var write in batch)
            {
                write.Run();
            }

            _database.Commit();
            return null;
        }
        catch (Exception e)
        {
            RollBack();
            return e;
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

    /// <summary>LiteDB's wait for its log writer to write out what is queued; null if this LiteDB keeps it elsewhere.</summary>
    private static Action? LogWriterWait(LiteDatabase database)
    {
        const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;
        var engine = typeof(LiteDatabase).GetField("_engine", Private)?.GetValue(database);
        var disk = engine?.GetType().GetField("_disk", Private)?.GetValue(engine);
        var queue = disk?.GetType().GetProperty("Queue", BindingFlags.Instance | BindingFlags.Public)?.GetValue(disk);
        var writer = queue?.GetType().GetProperty("Value")?.GetValue(queue);
        var wait = writer?.GetType().GetMethod("Wait", BindingFlags.Instance | BindingFlags.Public, Type.EmptyTypes);
        return wait is null ? null : (Action)Delegate.CreateDelegate(typeof(Action), writer, wait);
    }

    /// <summary>
    /// Runs a commit inline on the writer thread as a task of its own; a continuation LiteDB's log writer awaits from
    /// inside it is then not run inline there but handed to the thread pool.
    /// </summary>
    private sealed class CommitScheduler : TaskScheduler
    {
        private Task? _commit;

        public T Run<T>(Func<T> work)
        {
            var task = new Task<T>(work);
            _commit = task;
            try
            {
                task.RunSynchronously(this);
            }
            finally
            {
                _commit = null;
            }

            return task.Result;
        }

        protected override void QueueTask(Task task) => ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);

        // Only the commit itself runs inline; anything scheduled from inside it goes to the pool.
        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => ReferenceEquals(task, _commit) && TryExecuteTask(task);

        protected override IEnumerable<Task>? GetScheduledTasks() => null;
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
