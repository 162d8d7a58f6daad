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
}
