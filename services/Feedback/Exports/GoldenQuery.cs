using System.Buffers.Text;
using System.Globalization;
using System.Text;
using HitlLoop.Feedback.Storage;

namespace HitlLoop.Feedback.Exports;

/// <summary>
/// Which golden examples to browse or export. The acceptance time narrows the indexed read; product, category and
/// label are checked on each example read.
/// </summary>
public sealed record GoldenQuery(string? ProductId, string? Category, string? Label, DateTime? From, DateTime? To)
{
    /// <summary>Duplicates of an earlier example never match: each triplet is served and exported once.</summary>
    public bool Matches(GoldenExample example) =>
        example.DuplicateOf is null
        && (ProductId is null || string.Equals(example.ProductId, ProductId, StringComparison.Ordinal))
        && (Category is null || string.Equals(example.Context.Category, Category, StringComparison.Ordinal) || example.Categories.Contains(Category, StringComparer.Ordinal))
        && (Label is null || example.Labels.Contains(Label, StringComparer.Ordinal));
}

/// <summary>A position in acceptance order: the acceptance time (as stored) and the id, which breaks ties.</summary>
public sealed record GoldenCursor(DateTime AcceptedAt, string Id)
{
    public static GoldenCursor At(GoldenExample example) => new(example.AcceptedAt, example.Id);

    /// <summary>True when <paramref name="example"/> comes after this position in the given order.</summary>
    public bool Precedes(GoldenExample example, bool newestFirst)
    {
        var order = example.AcceptedAt.CompareTo(AcceptedAt) is var byTime and not 0 ? byTime : string.CompareOrdinal(example.Id, Id);
        return newestFirst ? order < 0 : order > 0;
    }

    /// <summary>An opaque token for the "next" of a page; ids may hold any character.</summary>
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(AcceptedAt.Ticks.ToString(CultureInfo.InvariantCulture) + "\n" + Id));

    public static GoldenCursor? TryDecode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var split = text.IndexOf('\n', StringComparison.Ordinal);
            return split > 0 && long.TryParse(text.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                   && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
                ? new GoldenCursor(new DateTime(ticks, DateTimeKind.Utc), text[(split + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
