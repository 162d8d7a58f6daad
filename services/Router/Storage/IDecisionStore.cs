namespace HitlLoop.Router.Storage;

public interface IDecisionStore
{
    /// <summary>Records the decision unless the response was decided before; returns the decision that stands.</summary>
    Task<RoutingDecisionDocument> RecordOnceAsync(RoutingDecisionDocument decision, CancellationToken cancellationToken);

    Task<RoutingDecisionDocument?> FindAsync(string responseId, CancellationToken cancellationToken);

    /// <summary>Records the first review's verdict on the decision; true only for the call that recorded it.</summary>
    Task<bool> RecordVerdictAsync(string responseId, bool corrected, CancellationToken cancellationToken);

    Task<DecisionStats> StatsAsync(string? productId, CancellationToken cancellationToken);

    /// <summary>The same counts for decisions made in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<DecisionStats> StatsAsync(string? productId, DateTime from, DateTime to, CancellationToken cancellationToken);
}

/// <summary>
/// Audits are auto-approved responses that a human also checks afterwards; budget-skipped ones were auto-approved
/// because the product's review budget did not reach them (counted among <paramref name="AutoApproved"/>).
/// </summary>
public sealed record DecisionStats(long Total, long AutoApproved, long ReviewRequested, long Audits, long BudgetSkipped = 0)
{
    /// <summary>Share of responses a human looks at, audits included; the seeds' target is below 10%.</summary>
    public double ReviewRate => Total == 0 ? 0 : (double)(ReviewRequested + Audits) / Total;

    public static DecisionStats operator +(DecisionStats left, DecisionStats right) => new(
        left.Total + right.Total,
        left.AutoApproved + right.AutoApproved,
        left.ReviewRequested + right.ReviewRequested,
        left.Audits + right.Audits,
        left.BudgetSkipped + right.BudgetSkipped);
}
