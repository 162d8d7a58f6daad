namespace HitlLoop.Benchmarks;

/// <summary>Customer-support texts shared by the benchmarks: bot answers and the reviewers' corrections of them.</summary>
public static class SupportTexts
{
    /// <summary>About 300 characters: the bot refuses a refund it should have given.</summary>
    public const string ShortOriginal =
        "Refunds are only possible within 14 days of purchase, so unfortunately I can't refund this charge. "
        + "Your June invoice was paid on June 2 and a second payment went through on June 3. If you think something "
        + "is wrong, you can open a ticket with our billing team from the Billing page in your account settings.";

    /// <summary>About 300 characters: the reviewer applies the duplicate-charge policy instead.</summary>
    public const string ShortCorrected =
        "I'm sorry about the double charge. Duplicate charges are always refunded in full, whatever the purchase "
        + "date, so I've asked billing to refund the second June payment of $49.00. You'll see it back on your card "
        + "within 5-7 business days, and you'll get an email confirmation as soon as the refund is issued.";

    /// <summary>About 2,000 characters: a long answer about a parcel stuck at the carrier.</summary>
    public const string LongOriginal =
        "Thank you for contacting us about your order. I understand that waiting for a delivery that is later than "
        + "expected can be frustrating, and I want to make sure you have all the information you need. Your order "
        + "#48213 was placed on June 3 and left our warehouse in Leipzig on June 5. It was handed over to our carrier "
        + "the same afternoon, and the tracking page shows that it reached the regional sorting center on June 6. "
        + "Since then there has been no new scan, which usually means the parcel is waiting to be loaded onto the "
        + "next delivery route. Delays like this happen most often during public holidays, when carriers handle a "
        + "much larger volume than usual. In most cases the parcel starts moving again within two to three business "
        + "days without anyone having to do anything. If your parcel has not arrived by June 12, you can report it "
        + "as missing from the Orders page in your account. Open the order, choose Report a problem, and select "
        + "Parcel has not arrived. We will then open an investigation with the carrier, which normally takes up to "
        + "five business days. Once the investigation is complete, we will either send a replacement or refund the "
        + "full amount to your original payment method. Please note that we cannot send a replacement before the "
        + "investigation is complete, because the carrier needs to confirm that the parcel is lost. If you would "
        + "rather cancel the order now, that is not possible while the parcel is in transit, but you can refuse the "
        + "delivery when it arrives, and it will be returned to us automatically. Refunds for refused deliveries are "
        + "issued within ten business days of the parcel reaching our warehouse. You can also return any item within "
        + "30 days of delivery if it no longer suits you. Return shipping is free for members of our Plus program and "
        + "costs 4.95 for everyone else. If you have any other questions about your order, your account or our "
        + "return policy, please do not hesitate to reply to this message and we will be happy to help.";

    /// <summary>About 2,000 characters: the reviewer's rewrite, which ships a replacement at once.</summary>
    public const string LongCorrected =
        "I'm sorry your order #48213 is late. I understand that waiting for a delivery that is later than expected "
        + "is frustrating, so here is exactly where things stand. Your order was placed on June 3 and left our "
        + "warehouse in Leipzig on June 5. It was handed over to our carrier the same afternoon, and the tracking "
        + "page shows that it reached the regional sorting center on June 6. There has been no new scan for seven "
        + "days, which is longer than a normal holiday backlog, so I have already opened an investigation with the "
        + "carrier for you. You do not need to report the parcel as missing yourself: I have added a note to your "
        + "account, so anyone on our team who picks up a follow-up message sees the investigation and the replacement "
        + "straight away and will not ask you to explain everything again. To follow the investigation yourself, open "
        + "the order on the Orders page and select View investigation. Because the parcel has been "
        + "stuck for more than five business days, you do not have to wait for the investigation to finish: I have "
        + "sent a free replacement by express shipping today, and you will receive a new tracking number by email "
        + "within the next few hours. If the original parcel turns up after all, you can keep it or refuse it at the "
        + "door, whichever is easier for you; there is nothing to pay either way. If you would prefer a refund "
        + "instead of the replacement, reply to this message before the replacement ships tomorrow morning and I "
        + "will cancel it and refund the full amount of 89.90 to your original payment method. Refunds reach most "
        + "cards within three to five business days. You can also return any item within 30 days of delivery if it "
        + "no longer suits you. Return shipping is free for members of our Plus program and costs 4.95 for everyone "
        + "else; for this order I have waived the return fee. If anything else about this order is unclear, just "
        + "reply here and I will follow up personally.";

    /// <summary>A chatty, padded answer; the correction is shorter, apologetic and names the remedy.</summary>
    public const string VerboseCasualOriginal =
        "Hey there! Thanks so much for reaching out about this, we totally get how annoying it is when a package "
        + "doesn't show up on time! So basically what happens is that sometimes our carrier partners get a bit backed "
        + "up, especially around holidays, and that can cause delays of a few days here and there. Your order #48213 "
        + "left our warehouse on Monday and it's probably just sitting in a sorting center somewhere. Usually these "
        + "things sort themselves out pretty quickly, so we'd recommend waiting another couple of days before doing "
        + "anything. If it still hasn't arrived by then, just let us know and we'll see what we can do! Cheers!";

    public const string ApologeticCorrected =
        "I'm sorry your order #48213 is late. It left our warehouse on Monday and the carrier reports a delay at the "
        + "regional sorting center; the new delivery estimate is Thursday. If it has not arrived by Friday, reply to "
        + "this message and we will ship a replacement at no cost or issue a full refund, whichever you prefer.";
}
