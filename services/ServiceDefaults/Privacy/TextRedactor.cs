using System.Text.RegularExpressions;
using HitlLoop.Contracts;

namespace HitlLoop.ServiceDefaults.Privacy;

/// <summary>
/// The redaction hook: every text a chat product sends passes through it before a reviewer sees it or it becomes
/// training data. Register your own implementation (after AddHitlServices) to redact more, or differently.
/// </summary>
/// <remarks>An implementation must be safe to call from many threads and idempotent: redacting twice changes nothing.</remarks>
public interface ITextRedactor
{
    string Redact(string text);
}

/// <summary>
/// The default redactor: email addresses, phone numbers and payment card numbers (Luhn-checked, so order numbers stay)
/// become [EMAIL], [PHONE] and [CARD].
/// </summary>
public sealed partial class PatternRedactor : ITextRedactor
{
    public const string Email = "[EMAIL]";
    public const string Phone = "[PHONE]";
    public const string Card = "[CARD]";

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // Cards first: a card number would otherwise read as a phone number.
        var redacted = CardPattern().Replace(text, match => IsLuhnValid(match.Value) ? Card : match.Value);
        redacted = EmailPattern().Replace(redacted, Email);
        return PhonePattern().Replace(redacted, Phone);
    }

    /// <summary>The Luhn checksum every payment card number satisfies (ISO/IEC 7812).</summary>
    public static bool IsLuhnValid(string candidate)
    {
        var digits = candidate.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                digit *= 2;
                digit -= digit > 9 ? 9 : 0;
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    // 13 to 19 digits, in groups split by single spaces or dashes, standing alone.
    [GeneratedRegex(@"(?<![\w+-])\d(?:[ -]?\d){12,18}(?![\w-])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EmailPattern();

    // An international number (+ and 7 to 15 digits in groups), or a national one of 3-4-digit groups with separators,
    // an area code optionally in brackets: +44 20 7946 0958, (555) 123-4567, 555.123.4567, 030 1234 5678.
    [GeneratedRegex(
        @"(?<![\w+])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}|\(\d{2,4}\)[ .-]?\d{3,4}[ .-]?\d{3,4}|\d{2,4}[ .-]\d{3,4}[ .-]\d{3,4})(?![\w-])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex PhonePattern();
}

/// <summary>Turns redaction off: for deployments whose products redact before they send.</summary>
public sealed class NoRedaction : ITextRedactor
{
    public string Redact(string text) => text;
}

public static class TextRedactorExtensions
{
    /// <summary>The scored response with every free text a person wrote or read redacted; ids and scores untouched.</summary>
    public static ResponseScored Redact(this ITextRedactor redactor, ResponseScored response) => response with
    {
        Query = redactor.Redact(response.Query),
        Response = redactor.Redact(response.Response),
        Context = redactor.Redact(response.Context),
    };

    /// <summary>The conversation's turns and the sources' snippets redacted.</summary>
    public static ResponseContext Redact(this ITextRedactor redactor, ResponseContext? context) => context is null ? new ResponseContext() : context with
    {
        RecentTurns = [.. context.RecentTurns.Select(turn => turn with { Text = redactor.Redact(turn.Text) })],
        RetrievedSources = [.. context.RetrievedSources.Select(source => source with
        {
            Snippet = source.Snippet is null ? null : redactor.Redact(source.Snippet),
        })],
    };

    /// <summary>Null stays null.</summary>
    public static string? RedactOptional(this ITextRedactor redactor, string? text) => text is null ? null : redactor.Redact(text);
}
