using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.ReviewQueue.Queue;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace HitlLoop.Tests.Storage;

/// <summary>
/// The BSON mapping of stored documents, checked without a server: whatever MongoDB is given comes back the same,
/// with the field names and representations the queries rely on.
/// </summary>
public sealed class MongoMappingTests
{
    private static readonly DateTime Noon = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    [OneTimeSetUp]
    public void Register() => MongoMapping.EnsureRegistered();

    private static T RoundTrip<T>(T document, out BsonDocument bson)
    {
        bson = document.ToBsonDocument();
        return BsonSerializer.Deserialize<T>(bson);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, MessageJson.Options);

    [Test]
    public void A_document_with_read_only_collections_and_nested_contracts_round_trips()
    {
        var document = new ContractDocument
        {
            Id = "c-1",
            Version = 3,
            Status = ContractStatus.Closed,
            Amount = 10.5m,
            At = Noon,
            Tags = ["a", "b"],
            Scores = new Dictionary<string, double> { ["x"] = 0.5 },
            Response = new ResponseScored
            {
                ResponseId = "r-1",
                ProductId = "support-bot",
                ScoredAt = new DateTimeOffset(Noon),
                Context = new ResponseContext { RecentTurns = [new ConversationTurn { Role = "user", Text = "hi" }] },
            },
        };

        var read = RoundTrip(document, out var bson);

        Assert.That(Json(read), Is.EqualTo(Json(document)));
        Assert.That(bson["_id"].AsString, Is.EqualTo("c-1"));
        Assert.That(bson["Status"].AsString, Is.EqualTo("Closed"));
        Assert.That(bson["At"].BsonType, Is.EqualTo(BsonType.DateTime));
    }

    [Test]
    public void A_review_item_round_trips()
    {
        var request = new ReviewRequested
        {
            Response = new ResponseScored { ResponseId = "r-2", ProductId = "support-bot", Confidence = 0.4 },
            Triggers = [new ReviewTrigger { Code = "low_confidence", Priority = ReviewPriority.High, Detail = "0.40 < 0.90" }],
            Priority = ReviewPriority.High,
            PolicyVersion = "p-1",
            DueBy = new DateTimeOffset(Noon),
        };
        var item = ReviewItem.Enqueue(request with { RequiredReviews = 2 }, Noon)
            .Claim("alice", TimeSpan.FromMinutes(10), Noon).Item
            .Skip("bob", "not my language", Noon).Item;

        var read = RoundTrip(item, out var bson);

        Assert.That(Json(read), Is.EqualTo(Json(item)));
        Assert.That(bson["Status"].AsString, Is.EqualTo("Pending"));
        Assert.That(bson["Holders"].AsBsonArray.Select(v => v.AsString), Is.EqualTo(new[] { "alice" }));
        Assert.That(bson["Excluded"].AsBsonArray.Select(v => v.AsString), Is.EqualTo(new[] { "alice", "bob" }));
        Assert.That(bson["ClaimRank"].BsonType, Is.EqualTo(BsonType.Int64));
        Assert.That(bson["DoneRank"].IsBsonNull, Is.True, "open: not on the completed list");

        var after = -1L;
        Assert.That(Mql<ReviewItem>(i => i.DoneRank > after), Is.EqualTo("""{ "DoneRank" : { "$gt" : -1 } }"""));
    }

    private static string Mql(System.Linq.Expressions.Expression<Func<ContractDocument, bool>> filter) => Mql<ContractDocument>(filter);

    private static string Mql<T>(System.Linq.Expressions.Expression<Func<T, bool>> filter)
    {
        var serializer = BsonSerializer.LookupSerializer<T>();
        var rendered = MongoDB.Driver.Builders<T>.Filter.Where(filter)
            .Render(new MongoDB.Driver.RenderArgs<T>(serializer, BsonSerializer.SerializerRegistry));
        return rendered.ToJson();
    }

    [Test]
    public void Filters_translate_to_queries_on_the_stored_representation()
    {
        var status = ContractStatus.Open;
        var cutoff = Noon;

        Assert.Multiple(() =>
        {
            Assert.That(Mql(d => d.Status == status), Is.EqualTo("""{ "Status" : "Open" }"""));
            Assert.That(Mql(d => d.At > cutoff), Does.StartWith("""{ "At" : { "$gt" : ISODate("2026-11-22T12:00:00""").Or.StartWith("""{ "At" : { "$gt" : { "$date" """));
            Assert.That(Mql(d => d.OutboxPending), Is.EqualTo("""{ "OutboxPending" : true }"""));
            Assert.That(Mql(d => d.Owner == null), Is.EqualTo("""{ "Owner" : null }"""));
            Assert.That(Mql(d => d.Status == ContractStatus.Closed || d.Count == 0), Does.Contain("$or"));
            Assert.That(Mql(d => true), Is.EqualTo("{ }"));
            Assert.That(Mql(HitlLoop.ServiceDefaults.Storage.Filters.And<ContractDocument>(d => d.Owner == "ops", d => d.OutboxPending)), Is.EqualTo("""{ "Owner" : "ops", "OutboxPending" : true }"""));
        });
    }

    [Test]
    public void Element_filters_and_updates_translate_to_the_stored_representation()
    {
        var reviewer = "alice";
        var update = new HitlLoop.ServiceDefaults.Storage.DocumentUpdate<ContractDocument>()
            .Set(d => d.Status, ContractStatus.Closed)
            .Set(d => d.Owner, null)
            .Set(d => d.Tags, ["a/b"])
            .Increment(d => d.Count, -1)
            .Append(d => d.Tags, "c")
            .Lower(d => d.At, Noon);

        var serializer = BsonSerializer.LookupSerializer<ContractDocument>();
        var rendered = HitlLoop.ServiceDefaults.Storage.Mongo.MongoUpdates.Translate(update)
            .Render(new MongoDB.Driver.RenderArgs<ContractDocument>(serializer, BsonSerializer.SerializerRegistry)).ToJson();

        Assert.Multiple(() =>
        {
            Assert.That(Mql(d => d.Tags.Contains(reviewer)), Is.EqualTo("""{ "Tags" : "alice" }"""));
            Assert.That(Mql(d => !d.Tags.Contains(reviewer)), Is.EqualTo("""{ "Tags" : { "$ne" : "alice" } }"""));
            Assert.That(rendered, Does.StartWith("""{ "$set" : { "Status" : "Closed", "Owner" : null, "Tags" : ["a/b"] }, "$inc" : { "Count" : -1, "Version" : 1 }, "$push" : { "Tags" : "c" }, "$min" : { "At" : """));
        });
    }

    [Test]
    public void A_reviewer_round_trips()
    {
        var reviewer = (HitlLoop.ReviewQueue.Reviewers.Reviewer.Register("dana/ü", "Dana", Noon) with
        {
            Availability = HitlLoop.ReviewQueue.Reviewers.ReviewerAvailability.Away,
            Specializations = new HitlLoop.ReviewQueue.Reviewers.ReviewerSpecializations { Products = ["support-bot"], Languages = ["de"] },
            Agreement = 0.8,
        }).WithReview("r-1:dana", 42, Noon)!;

        var read = RoundTrip(reviewer, out var bson);

        Assert.That(Json(read), Is.EqualTo(Json(reviewer)));
        Assert.That(bson["Availability"].AsString, Is.EqualTo("Away"));
        Assert.That(bson["ListKey"].BsonType, Is.EqualTo(BsonType.Int64));
    }
}
