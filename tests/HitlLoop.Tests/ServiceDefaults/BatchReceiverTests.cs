using System.Text;
using HitlLoop.Contracts;
using HitlLoop.ServiceDefaults;

namespace HitlLoop.Tests.ServiceDefaults;

/// <summary>How a batch receiver reads its messages and how far it may acknowledge them at once.</summary>
public sealed class BatchReceiverTests
{
    [Test]
    public void The_watermark_stops_at_the_first_tag_not_done_and_moves_past_every_tag_done_behind_it()
    {
        var acks = new AckWatermark(prefetch: 8);

        Assert.Multiple(() =>
        {
            Assert.That(acks.Done(2), Is.False, "tag 1 is not done");
            Assert.That(acks.Done(3), Is.False);
            Assert.That(acks.Next(), Is.Null, "nothing to acknowledge while tag 1 is in hand");
            Assert.That(acks.Done(1), Is.True);
            Assert.That(acks.Next(), Is.EqualTo(3UL), "one multiple acknowledgement covers 1 to 3");
        });

        acks.Acknowledged(3);
        Assert.Multiple(() =>
        {
            Assert.That(acks.Pending, Is.False);
            Assert.That(acks.Next(), Is.Null);
            Assert.That(acks.Done(3), Is.False, "a tag finished twice moves nothing");
            Assert.That(acks.Done(4), Is.True);
            Assert.That(acks.Next(), Is.EqualTo(4UL));
        });
    }

    [Test]
    public void Over_thousands_of_tags_finished_out_of_order_it_never_acknowledges_one_still_in_hand()
    {
        const int prefetch = 16;
        var acks = new AckWatermark(prefetch);
        var random = new Random(7);
        var done = new HashSet<ulong>();
        ulong acknowledged = 0;
        ulong delivered = 0;
        var inHand = new List<ulong>();
        while (acknowledged < 5_000)
        {
            // The broker hands over tags while fewer than the prefetch are unacknowledged.
            while (delivered - acknowledged < prefetch)
            {
                inHand.Add(++delivered);
            }

            if (inHand.Count > 0)
            {
                var index = random.Next(inHand.Count);
                done.Add(inHand[index]);
                acks.Done(inHand[index]);
                inHand.RemoveAt(index);
            }

            // Acknowledgements go out now and then; always once every tag the broker gave is done.
            if ((inHand.Count == 0 || random.Next(3) == 0) && acks.Next() is { } upTo)
            {
                Assert.That(inHand, Has.None.LessThanOrEqualTo(upTo), $"acknowledging up to {upTo}");
                Assert.That(Enumerable.Range(1, (int)upTo).Select(t => (ulong)t), Is.SubsetOf(done));
                acks.Acknowledged(upTo);
                acknowledged = upTo;
            }
        }
    }

    [Test]
    public void Plain_json_with_or_without_a_content_type_and_the_bus_envelope_read_the_same()
    {
        const string message = """{"responseId":"r/1 ?#é","productId":"support-bot","query":"q","response":"a","confidence":0.5}""";
        var envelope = $$"""{"messageId":"m-1","messageType":["urn:message:HitlLoop.Contracts:ResponseScored"],"message":{{message}}}""";

        var read = new[]
        {
            ReceivedJson.Read<ResponseScored>("application/json", Encoding.UTF8.GetBytes(message)),
            ReceivedJson.Read<ResponseScored>(null, Encoding.UTF8.GetBytes(message)),
            ReceivedJson.Read<ResponseScored>("application/vnd.masstransit+json", Encoding.UTF8.GetBytes(envelope)),
        };

        Assert.That(read.Select(r => (r.ResponseId, r.ProductId, r.Confidence)), Is.All.EqualTo(("r/1 ?#é", "support-bot", 0.5)));
    }

    [Test]
    public void A_missing_required_field_is_left_for_validation_to_name()
    {
        var read = ReceivedJson.Read<ResponseScored>("application/json", """{"productId":"support-bot","confidence":0.5}"""u8);

        Assert.That(read.ResponseId, Is.Null);
    }

    [TestCase("text/xml", "<a/>", "content type text/xml is not JSON")]
    [TestCase("application/json", "{ this is not json", "the body is not JSON of its shape")]
    [TestCase("application/json", """{"confidence":"high"}""", "$.confidence")]
    [TestCase("application/json", "null", "the body holds no message")]
    [TestCase("application/vnd.masstransit+json", """{"messageId":"m-1"}""", "the body holds no message")]
    public void A_body_that_is_not_the_message_is_refused_with_its_reason(string contentType, string body, string reason)
    {
        var refused = Assert.Throws<MessageValidationException>(() => ReceivedJson.Read<ResponseScored>(contentType, Encoding.UTF8.GetBytes(body)));

        Assert.That(refused!.Message, Does.StartWith("Invalid ResponseScored: ").And.Contain(reason));
    }
}
