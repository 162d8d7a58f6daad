namespace HitlLoop.TrainingOrchestrator.Storage;

/// <summary>Where a retrain request stands: open while the ML team works on it, closed once decided or timed out.</summary>
public enum RetrainStatus
{
    Requested,
    Acknowledged,
    Training,
    Promoted,
    Rejected,
    TimedOut,
}

/// <summary>One step of a request's life, with who or what moved it there.</summary>
public sealed record RetrainStep(RetrainStatus Status, DateTime At, string? Note = null);

/// <summary>What a move asked of a request did.</summary>
public enum MoveOutcome
{
    Moved,

    /// <summary>Already there or past it (a repeated acknowledgement, a redelivered completion): nothing to change.</summary>
    Unchanged,

    /// <summary>The request is closed (decided or timed out) and cannot go back.</summary>
    Closed,

    NotFound,
}

/// <summary>
/// The request lifecycle, requested → acknowledged → training → promoted, rejected or timed out, as pure moves on a
/// snapshot (a request is its snapshot). A completion may still close a request that timed out: a late model is
/// recorded, and the history says it came late.
/// </summary>
public static class RetrainLifecycle
{
    public static bool IsOpen(RetrainStatus status) => status is RetrainStatus.Requested or RetrainStatus.Acknowledged or RetrainStatus.Training;

    public static (DatasetSnapshot? Moved, MoveOutcome Outcome) Move(DatasetSnapshot snapshot, RetrainStatus to, DateTime at, string? note = null)
    {
        var from = snapshot.Status;
        var outcome = to switch
        {
            RetrainStatus.Acknowledged or RetrainStatus.Training when !IsOpen(from) => MoveOutcome.Closed,
            RetrainStatus.Acknowledged or RetrainStatus.Training => from < to ? MoveOutcome.Moved : MoveOutcome.Unchanged,
            RetrainStatus.TimedOut => IsOpen(from) ? MoveOutcome.Moved : MoveOutcome.Unchanged,
            _ => IsOpen(from) || from == RetrainStatus.TimedOut ? MoveOutcome.Moved : MoveOutcome.Unchanged,
        };
        if (outcome != MoveOutcome.Moved)
        {
            return (null, outcome);
        }

        var step = new RetrainStep(to, at, from == RetrainStatus.TimedOut ? Join("completed after the request timed out", note) : note);
        return (snapshot with { Status = to, Open = IsOpen(to), History = [.. snapshot.History, step], Version = snapshot.Version + 1 }, MoveOutcome.Moved);
    }

    private static string Join(string first, string? second) => second is null ? first : $"{first}; {second}";
}
