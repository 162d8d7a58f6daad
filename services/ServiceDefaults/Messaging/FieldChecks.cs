using System.Globalization;
using HitlLoop.Contracts;

namespace HitlLoop.ServiceDefaults;

/// <summary>One thing wrong with an inbound message or request: the field (a JSON path such as context.recentTurns[2].text) and why.</summary>
public sealed record FieldProblem(string Field, string Message);

/// <summary>
/// Collects what is wrong with an inbound message, field by field: the messages become the error-queue reason, the
/// fields the names in a 400's problem details.
/// </summary>
public sealed class FieldChecks
{
    private readonly List<FieldProblem> _problems = [];

    public IReadOnlyList<FieldProblem> Problems => _problems;

    /// <summary>The reasons alone, each naming its field, as the error queue shows them.</summary>
    public IReadOnlyList<string> Messages => [.. _problems.Select(p => p.Message)];

    public FieldChecks Add(string field, string message)
    {
        _problems.Add(new FieldProblem(field, message));
        return this;
    }

    /// <summary>Adds <paramref name="message"/> unless <paramref name="holds"/>.</summary>
    public FieldChecks That(bool holds, string field, string message) => holds ? this : Add(field, message);

    /// <summary>An id: present when <paramref name="required"/>, and never longer than <see cref="ContractLimits.IdLength"/>.</summary>
    public FieldChecks Id(string field, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Add(field, $"{field} is required") : this;
        }

        return Length(field, value, ContractLimits.IdLength);
    }

    /// <summary>Present (not blank) when <paramref name="required"/>, and at most <paramref name="max"/> characters.</summary>
    public FieldChecks Text(string field, string? value, int max = ContractLimits.TextLength, bool required = false)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            return Add(field, $"{field} is required");
        }

        return Length(field, value, max);
    }

    public FieldChecks Length(string field, string? value, int max) =>
        value is { Length: var length } && length > max
            ? Add(field, $"{field} holds {length} characters, more than {max}")
            : this;

    /// <summary>A finite number in [<paramref name="min"/>, <paramref name="max"/>]; NaN and infinities are refused.</summary>
    public FieldChecks Range(string field, double value, double min, double max) =>
        value >= min && value <= max
            ? this
            : Add(field, $"{field} must lie in {Format(min)}..{Format(max)} (was {Format(value)})");

    public FieldChecks Items(string field, int count, int max = ContractLimits.ListItems) =>
        count > max ? Add(field, $"{field} holds {count} items, more than {max}") : this;

    /// <summary>
    /// Runs <paramref name="check"/> on each item, with the item's index in its field name. A list sent as null, or
    /// holding null, is refused: left out, a list is empty.
    /// </summary>
    public FieldChecks Each<T>(string field, IReadOnlyList<T>? items, Action<FieldChecks, string, T> check)
    {
        if (items is null)
        {
            return Add(field, $"{field} must be an array when present (leave it out for none)");
        }

        Items(field, items.Count);
        for (var i = 0; i < items.Count && i < ContractLimits.ListItems; i++)
        {
            if (items[i] is null)
            {
                Add($"{field}[{i}]", $"{field}[{i}] must not be null");
                continue;
            }

            check(this, $"{field}[{i}]", items[i]);
        }

        return this;
    }

    /// <summary>An object sent as null is refused: left out, it takes its defaults.</summary>
    public FieldChecks Present(string field, object? value) =>
        value is null ? Add(field, $"{field} must be an object when present (leave it out for none)") : this;

    /// <summary>A map of names to numbers: few enough entries, short names, finite values in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public FieldChecks Scores(string field, IReadOnlyDictionary<string, double>? scores, double min, double max)
    {
        if (scores is null)
        {
            return Add(field, $"{field} must be an object when present (leave it out for none)");
        }

        Items(field, scores.Count);
        foreach (var (name, score) in scores.Take(ContractLimits.ListItems))
        {
            Length($"{field}.{Shorten(name)}", name, ContractLimits.NameLength);
            Range($"{field}.{Shorten(name)}", score, min, max);
        }

        return this;
    }

    /// <summary>Problem details' "errors": each field with its reasons.</summary>
    public Dictionary<string, string[]> ByField() =>
        _problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());

    private static string Shorten(string name) => name.Length > 40 ? name[..40] + "…" : name;

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
