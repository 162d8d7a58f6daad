using System.Security.Claims;
using HitlLoop.Contracts;
using HitlLoop.PatternLearner.Learning;
using HitlLoop.PatternLearner.Storage;
using HitlLoop.ServiceDefaults.Outbox;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HitlLoop.PatternLearner.Api;

/// <summary>A lead's wording of a rule.</summary>
public sealed record RuleEdit
{
    public string? When { get; init; }
    public string? InsteadOf { get; init; }
    public string? Do { get; init; }
    public string? Reason { get; init; }
}

/// <summary>The same-mistake figures of one day: the product's corrections, and those that repeated a shipped rule's mistake.</summary>
public sealed record RecurrenceDay(DateOnly Day, long Corrections, long Repeats, double SameMistakeRate);

/// <summary>One pattern's repeats over the window, and whether its rule is working.</summary>
public sealed record PatternRecurrence(string PatternId, string PatternType, string? Category, int RuleVersion, long Repeats, bool Working);

public sealed record RecurrenceReport(
    string ProductId, int Days, long Corrections, long Repeats, double SameMistakeRate, IReadOnlyList<RecurrenceDay> Daily, IReadOnlyList<PatternRecurrence> Patterns);

/// <summary>Patterns and the lifecycle of their rules, for leads: read, approve, edit, retire; and how often mistakes recur.</summary>
internal static class PatternsApi
{
    private const int MaxPatterns = 500;
    private const int MaxDays = 90;

    public static void MapPatternsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/patterns").RequireAuthorization(HitlPolicies.Lead).WithTags("Patterns");

        api.MapGet("/", async (string? productId, IPatternStore patterns, CancellationToken cancellationToken) =>
            TypedResults.Ok(await patterns.ListAsync(productId, MaxPatterns, cancellationToken)));

        api.MapGet("/recurrence", async Task<Results<Ok<RecurrenceReport>, ValidationProblem>> (
            string? productId, int? days, IPatternStore patterns, ICorrectionStore corrections, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(productId))
            {
                return Invalid("productId", "productId is required: recurrence is measured per product.");
            }

            if (days is < 1 or > MaxDays)
            {
                return Invalid("days", $"days must lie in 1..{MaxDays}.");
            }

            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var window = Enumerable.Range(0, days ?? 30).Select(back => today.AddDays(-back)).Reverse().ToList();
            var daily = new List<RecurrenceDay>();
            foreach (var day in window)
            {
                var (count, repeats) = await corrections.CountAsync(productId, [day], cancellationToken);
                daily.Add(new RecurrenceDay(day, count, repeats, Rate(repeats, count)));
            }

            var ruled = new List<PatternRecurrence>();
            foreach (var pattern in await patterns.WithRulesAsync(productId, cancellationToken))
            {
                var repeats = await patterns.CountRepeatsAsync(pattern.Id, window, cancellationToken);
                ruled.Add(new PatternRecurrence(pattern.Id, pattern.PatternType, pattern.Category, pattern.RuleVersion, repeats, pattern.Working));
            }

            var corrected = daily.Sum(d => d.Corrections);
            var repeated = daily.Sum(d => d.Repeats);
            return TypedResults.Ok(new RecurrenceReport(productId, window.Count, corrected, repeated, Rate(repeated, corrected), daily, ruled));
        });

        api.MapGet("/{patternId}", async Task<Results<Ok<Pattern>, ProblemHttpResult>> (string patternId, IPatternStore patterns, CancellationToken cancellationToken) =>
            await patterns.FindAsync(patternId, cancellationToken) is { } pattern ? TypedResults.Ok(pattern) : NoPattern(patternId));

        api.MapPost("/{patternId}/approve", (string patternId, ClaimsPrincipal user, IPatternStore patterns, DocumentOutbox<Pattern> outbox, TimeProvider clock, CancellationToken cancellationToken) =>
            ChangeRuleAsync(patternId, patterns, outbox, current => current with
            {
                ApprovedBy = user.UserName(),
                ApprovedVersion = current.RuleVersion,
                UpdatedAt = clock.GetUtcNow().UtcDateTime,
            }, cancellationToken));

        api.MapPut("/{patternId}/rule", async Task<Results<Ok<Pattern>, ValidationProblem, ProblemHttpResult>> (
            string patternId, RuleEdit edit, ClaimsPrincipal user, IPatternStore patterns, DocumentOutbox<Pattern> outbox, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var problems = new Dictionary<string, string[]>();
            var rule = new PatternRule
            {
                When = Required(edit.When, "when", problems),
                InsteadOf = Required(edit.InsteadOf, "insteadOf", problems),
                Do = Required(edit.Do, "do", problems),
                Reason = Required(edit.Reason, "reason", problems),
            };
            if (problems.Count > 0)
            {
                return TypedResults.ValidationProblem(problems);
            }

            // A lead's wording is a new version of the rule, approved as written, and announced like any other.
            var result = await ChangeRuleAsync(patternId, patterns, outbox, current => Announced(current with
            {
                Rule = rule,
                RuleSource = RuleSources.LeadPrefix + user.UserName(),
                RuleVersion = current.RuleVersion + 1,
                ApprovedBy = user.UserName(),
                ApprovedVersion = current.RuleVersion + 1,
                LearnedAt = clock.GetUtcNow().UtcDateTime,
                UpdatedAt = clock.GetUtcNow().UtcDateTime,
            }, clock), cancellationToken);
            return result.Result switch
            {
                Ok<Pattern> ok => ok,
                ProblemHttpResult problem => problem,
                _ => throw new InvalidOperationException("Unexpected result."),
            };
        });

        api.MapPost("/{patternId}/retire", (string patternId, ClaimsPrincipal user, IPatternStore patterns, DocumentOutbox<Pattern> outbox, TimeProvider clock, CancellationToken cancellationToken) =>
            ChangeRuleAsync(patternId, patterns, outbox, current => current.Retired ? null : Announced(current with
            {
                Retired = true,
                RetiredBy = user.UserName(),
                RuleVersion = current.RuleVersion + 1,
                UpdatedAt = clock.GetUtcNow().UtcDateTime,
            }, clock), cancellationToken));
    }

    /// <summary>Applies a lead's change to a pattern that has a rule, publishing what it announces once it is stored.</summary>
    private static async Task<Results<Ok<Pattern>, ProblemHttpResult>> ChangeRuleAsync(
        string patternId, IPatternStore patterns, DocumentOutbox<Pattern> outbox, Func<Pattern, Pattern?> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await patterns.FindAsync(patternId, cancellationToken) is not { RuleVersion: > 0 } current)
            {
                return NoPattern(patternId);
            }

            if (change(current) is not { } changed)
            {
                return TypedResults.Ok(current);
            }

            changed = changed with { Version = current.Version + 1 };
            if (await patterns.Patterns.TryReplaceAsync(changed, current.Version, cancellationToken))
            {
                await outbox.PublishAsync(changed, cancellationToken);
                return TypedResults.Ok(changed);
            }
        }
    }

    /// <summary>The pattern with its new state in its outbox, as a <see cref="PatternLearned"/> announcement.</summary>
    private static Pattern Announced(Pattern pattern, TimeProvider clock) => pattern with
    {
        Outbox = [.. pattern.Outbox, HitlLoop.ServiceDefaults.Outbox.Outbox.Message(pattern.ToEvent(), clock)],
        OutboxPending = true,
    };

    private static string Required(string? value, string field, Dictionary<string, string[]> problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems[field] = [$"{field} is required."];
            return "";
        }

        if (value.Length > RuleWriter.MaxFieldLength)
        {
            problems[field] = [$"{field} holds {value.Length} characters, more than {RuleWriter.MaxFieldLength}."];
        }

        return value.Trim();
    }

    private static double Rate(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private static ProblemHttpResult NoPattern(string patternId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such rule", detail: $"No pattern {patternId} with a rule.");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
