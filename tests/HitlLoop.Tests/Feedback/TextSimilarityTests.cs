using HitlLoop.Feedback.Corrections;

namespace HitlLoop.Tests.Feedback;

public sealed class TextSimilarityTests
{
    [Test]
    public void Identical_texts_are_fully_similar()
    {
        Assert.That(TextSimilarity.Ratio("Refunds take 5 days.", "Refunds take 5 days."), Is.EqualTo(1.0));
    }

    [Test]
    public void Texts_with_nothing_in_common_score_zero()
    {
        Assert.That(TextSimilarity.Ratio("aaaa", "bbbb"), Is.EqualTo(0.0));
    }

    [Test]
    public void One_changed_character_in_twenty_is_exactly_0_95()
    {
        Assert.That(TextSimilarity.Ratio("abcdefghijklmnopqrst", "abcdefghijklmnopqrsX"), Is.EqualTo(0.95));
    }

    [Test]
    public void Reflowed_whitespace_is_not_a_change()
    {
        Assert.That(TextSimilarity.Ratio("Refunds take\n  5 days. ", " Refunds take 5\tdays."), Is.EqualTo(1.0));
    }

    [Test]
    public void An_empty_text_shares_nothing_with_a_written_one()
    {
        Assert.That(TextSimilarity.Ratio("", "Refunds take 5 days."), Is.EqualTo(0.0));
        Assert.That(TextSimilarity.Ratio("", "   "), Is.EqualTo(1.0));
    }

    [Test]
    public void The_edit_distance_counts_insertions_deletions_and_substitutions_and_is_symmetric()
    {
        Assert.That(TextSimilarity.Distance("kitten", "sitting"), Is.EqualTo(3));
        Assert.That(TextSimilarity.Distance("sitting", "kitten"), Is.EqualTo(3));
        Assert.That(TextSimilarity.Ratio("kitten", "sitting"), Is.EqualTo(TextSimilarity.Ratio("sitting", "kitten")));
    }

    [Test]
    public void The_distance_matches_the_textbook_table_across_block_boundaries()
    {
        var random = new Random(20261122);
        var mismatches = new List<string>();
        foreach (var length in new[] { 0, 1, 2, 31, 63, 64, 65, 127, 128, 129, 200, 300 })
        {
            for (var trial = 0; trial < 40; trial++)
            {
                var alphabet = trial % 2 == 0 ? "ab" : "abcdefghij ";
                var a = Text(random, length, alphabet);
                var b = Text(random, random.Next(0, 2 * length + 2), alphabet);
                var expected = TableDistance(a, b);
                if (TextSimilarity.Distance(a, b) != expected || TextSimilarity.Distance(b, a) != expected)
                {
                    mismatches.Add($"{a.Length}/{b.Length}: expected {expected}, got {TextSimilarity.Distance(a, b)}");
                }
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    private static string Text(Random random, int length, string alphabet) =>
        new([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);

    /// <summary>The plain dynamic-programming table, as the reference.</summary>
    private static int TableDistance(string a, string b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            table[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            table[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                table[i, j] = Math.Min(table[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), Math.Min(table[i - 1, j], table[i, j - 1]) + 1);
            }
        }

        return table[a.Length, b.Length];
    }
}
