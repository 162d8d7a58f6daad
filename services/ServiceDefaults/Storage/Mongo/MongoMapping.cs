using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace HitlLoop.ServiceDefaults.Storage.Mongo;

/// <summary>BSON conventions for every HitlLoop document: enums as strings, times as BSON dates, tolerant reads.</summary>
public static class MongoMapping
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        var conventions = new ConventionPack
        {
            new EnumRepresentationConvention(BsonType.String),
            new IgnoreExtraElementsConvention(true),
        };
        ConventionRegistry.Register("hitl", conventions, type => type.Namespace?.StartsWith("HitlLoop", StringComparison.Ordinal) == true);
        BsonSerializer.TryRegisterSerializer(new DateTimeOffsetSerializer(BsonType.DateTime));
        BsonSerializer.TryRegisterSerializer(new DecimalSerializer(BsonType.Decimal128));
    }
}
