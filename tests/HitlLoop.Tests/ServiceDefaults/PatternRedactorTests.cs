using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults.Privacy;

namespace HitlLoop.Tests.ServiceDefaults;

/// <summary>
/// The default redactor on written examples: the card numbers are the payment networks' published test numbers, the
/// phone numbers the reserved fictional ranges (555-01xx in North America, 020 7946 0xxx in London).
/// </summary>
public sealed class PatternRedactorTests
{
    private readonly PatternRedactor _redactor = new();

    [TestCase("Write to jane.doe+billing@example.co.uk today.", "Write to [EMAIL] today.")]
    [TestCase("Mail ops@support-bot.example or x_y@mail.example.com", "Mail [EMAIL] or [EMAIL]")]
    [TestCase("My card 4111 1111 1111 1111 was charged twice", "My card [CARD] was charged twice")]
    [TestCase("Visa 4111-1111-1111-1111, Amex 378282246310005", "Visa [CARD], Amex [CARD]")]
    [TestCase("Mastercard 5555555555554444 and Discover 6011 0009 9013 9424.", "Mastercard [CARD] and Discover [CARD].")]
    [TestCase("Call +44 20 7946 0958 or +1-202-555-0143", "Call [PHONE] or [PHONE]")]
    [TestCase("Ring (555) 010-4567, 555-010-4567 or 555.010.4567.", "Ring [PHONE], [PHONE] or [PHONE].")]
    [TestCase("Mobil: +4915123456789", "Mobil: [PHONE]")]
    public void Redacts_emails_cards_and_phone_numbers(string text, string expected) =>
        Assert.That(_redactor.Redact(text), Is.EqualTo(expected));

    [TestCase("Order 1234567812345678 shipped")]
    [TestCase("Refunds are possible within 14 days of purchase.")]
    [TestCase("Charged on 2025-06-12 at 10:30 for $1,299.00")]
    [TestCase("Update to version 2.10.3 and quote ticket #48213.")]
    [TestCase("Email support or call us; our handle is @support_bot.")]
    [TestCase("")]
    public void Leaves_dates_amounts_versions_and_order_numbers_alone(string text) =>
        Assert.That(_redactor.Redact(text), Is.EqualTo(text));

    [Test]
    public void Only_luhn_valid_numbers_are_cards()
    {
        Assert.That(PatternRedactor.IsLuhnValid("4111 1111 1111 1111"), Is.True);
        Assert.That(PatternRedactor.IsLuhnValid("1234567812345670"), Is.True);
        Assert.That(PatternRedactor.IsLuhnValid("1234567812345678"), Is.False);
        Assert.That(PatternRedactor.IsLuhnValid("411111111111"), Is.False, "twelve digits are too few for a card");
    }

    [Test]
    public void Redacting_twice_changes_nothing_more()
    {
        const string text = "jane@example.com, 4111 1111 1111 1111, +44 20 7946 0958";
        var once = _redactor.Redact(text);

        Assert.That(_redactor.Redact(once), Is.EqualTo(once));
        Assert.That(once, Is.EqualTo("[EMAIL], [CARD], [PHONE]"));
    }

    [Test]
    public void A_scored_response_is_redacted_in_every_free_text_and_nowhere_else()
    {
        var response = new ResponseScored
        {
            ResponseId = "jane@example.com",
            ProductId = "support-bot",
            Query = "I'm jane@example.com, card 4111 1111 1111 1111",
            Response = "We'll call you on +44 20 7946 0958.",
            Context = new ResponseContext
            {
                RecentTurns = [new ConversationTurn { Role = "user", Text = "reach me at 555-010-4567" }],
                RetrievedSources = [new RetrievedSource { Id = "kb-1", Title = "Refunds", Snippet = "Write to refunds@example.com" }],
                Account = new AccountAttributes { AccountId = "acct-42" },
            },
            Confidence = 0.4,
        };

        var redacted = _redactor.Redact(response);

        Assert.Multiple(() =>
        {
            Assert.That(redacted.ResponseId, Is.EqualTo("jane@example.com"), "ids are keys, not text");
            Assert.That(redacted.Query, Is.EqualTo("I'm [EMAIL], card [CARD]"));
            Assert.That(redacted.Response, Is.EqualTo("We'll call you on [PHONE]."));
            Assert.That(redacted.Context.RecentTurns[0].Text, Is.EqualTo("reach me at [PHONE]"));
            Assert.That(redacted.Context.RetrievedSources[0].Snippet, Is.EqualTo("Write to [EMAIL]"));
            Assert.That(redacted.Context.Account!.AccountId, Is.EqualTo("acct-42"));
            Assert.That(redacted.Confidence, Is.EqualTo(0.4));
        });
    }
}
