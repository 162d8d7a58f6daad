using System.Reflection;
using LiteDB;

namespace HitlLoop.ServiceDefaults.Storage.Embedded;

/// <summary>
/// LiteDB's mapper builds lists and dictionaries but not the read-only interfaces the records expose,
/// so each such property type found in a document's object graph is taught to deserialize through its mutable twin.
/// </summary>
internal static class LiteDbMapping
{
    public static BsonMapper CreateMapper() => new()
    {
        EmptyStringToNull = false,
        TrimWhitespace = false,
        SerializeNullValues = false,
        EnumAsInteger = false,
    };

    public static void Register(BsonMapper mapper, Type documentType)
    {
        lock (mapper)
        {
            Walk(mapper, documentType, []);
        }
    }

    private static void Walk(BsonMapper mapper, Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type) || type.IsPrimitive || type == typeof(string) || type.IsEnum)
        {
            return;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var arguments = type.GetGenericArguments();
            var concrete = definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>)
                ? typeof(List<>).MakeGenericType(arguments)
                : definition == typeof(IReadOnlyDictionary<,>)
                    ? typeof(Dictionary<,>).MakeGenericType(arguments)
                    : null;

            if (concrete is not null)
            {
                mapper.RegisterType(type, value => mapper.Serialize(concrete, value), bson => mapper.Deserialize(concrete, bson));
            }

            foreach (var argument in arguments)
            {
                Walk(mapper, argument, seen);
            }

            return;
        }

        if (type.IsArray)
        {
            Walk(mapper, type.GetElementType()!, seen);
            return;
        }

        if (type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Walk(mapper, property.PropertyType, seen);
        }

        // LiteDB builds a type's mapping on first use and publishes it before its members are filled in: a read racing
        // that first use finds no members, picks no constructor for a record without a parameterless one, and keeps
        // failing for that type until the process ends. Built here, once, before the store is used, no read races it.
        BuildEntity.MakeGenericMethod(type).Invoke(mapper, null);
    }

    private static readonly MethodInfo BuildEntity = typeof(BsonMapper).GetMethod(nameof(BsonMapper.Entity))!;
}
