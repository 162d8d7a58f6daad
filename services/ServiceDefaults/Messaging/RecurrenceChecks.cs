using HitlLoop.Contracts;

namespace HitlLoop.ServiceDefaults;

/// <summary>What every consumer of <see cref="PatternRecurrenceMeasured"/> requires of it.</summary>
public static class RecurrenceChecks
{
    public static IReadOnlyList<string> Problems(PatternRecurrenceMeasured? measured) =>
        measured is null
            ? ["the message body is empty"]
            : new FieldChecks()
                .Id("patternId", measured.PatternId)
                .Id("productId", measured.ProductId)
                .Range("repeats", measured.Repeats, 0, long.MaxValue)
                .Range("productRepeats", measured.ProductRepeats, 0, long.MaxValue)
                .Range("productCorrections", measured.ProductCorrections, 0, long.MaxValue)
                .Range("windowDays", measured.WindowDays, 1, 366)
                .Range("sameMistakeRate", measured.SameMistakeRate, 0, 1)
                .Messages;
}
