using System.Linq.Expressions;
using System.Reflection;

namespace HitlLoop.ServiceDefaults.Storage;

/// <summary>
/// Field changes applied to one document in a single atomic store operation, with its version advanced by one:
/// set a value, add to a number, append to a list, lower a time. Only top-level properties may be named, so both
/// stores translate each change exactly (MongoDB's $set, $inc, $push and $min).
/// </summary>
public sealed class DocumentUpdate<T>
    where T : class, IDocument
{
    private readonly List<IFieldChange> _changes = [];

    public IReadOnlyList<IFieldChange> Changes => _changes;

    public DocumentUpdate<T> Set<TValue>(Expression<Func<T, TValue>> field, TValue value) =>
        Add(new Change<TValue>(FieldChangeKind.Set, field, PropertyOf(field), value));

    public DocumentUpdate<T> Increment(Expression<Func<T, int>> field, int by) =>
        Add(new Change<int>(FieldChangeKind.Increment, field, PropertyOf(field), by));

    public DocumentUpdate<T> Append<TElement>(Expression<Func<T, IReadOnlyList<TElement>>> field, TElement element) =>
        Add(new Change<TElement>(FieldChangeKind.Append, null, PropertyOf(field), element));

    /// <summary>Lowers the field to <paramref name="value"/> when that is earlier than what is stored.</summary>
    public DocumentUpdate<T> Lower(Expression<Func<T, DateTime>> field, DateTime value) =>
        Add(new Change<DateTime>(FieldChangeKind.Lower, field, PropertyOf(field), value));

    private DocumentUpdate<T> Add(IFieldChange change)
    {
        _changes.Add(change);
        return this;
    }

    private static PropertyInfo PropertyOf(LambdaExpression field)
    {
        if (field.Body is not MemberExpression { Member: PropertyInfo property, Expression: ParameterExpression })
        {
            throw new ArgumentException($"Only a top-level property of {typeof(T).Name} can be changed, not {field}.", nameof(field));
        }

        if (property.Name is nameof(IDocument.Id) or nameof(IDocument.Version))
        {
            throw new ArgumentException($"{property.Name} is managed by the store and cannot be changed.", nameof(field));
        }

        return property;
    }

    /// <summary>One change, opened by an adapter through <see cref="IFieldChangeVisitor{T}"/> with its static type.</summary>
    public interface IFieldChange
    {
        void Accept(IFieldChangeVisitor<T> visitor);
    }

    private sealed record Change<TValue>(FieldChangeKind Kind, LambdaExpression? Field, PropertyInfo Property, TValue Value) : IFieldChange
    {
        public void Accept(IFieldChangeVisitor<T> visitor) => visitor.Visit(Kind, Field, Property, Value);
    }
}

public enum FieldChangeKind
{
    Set,
    Increment,
    Append,
    Lower,
}

/// <summary>How a store adapter translates each change of a <see cref="DocumentUpdate{T}"/>.</summary>
public interface IFieldChangeVisitor<T>
    where T : class, IDocument
{
    /// <param name="field">The property as a lambda (<c>Func&lt;T, TValue&gt;</c>); null for <see cref="FieldChangeKind.Append"/>, whose value is one element.</param>
    void Visit<TValue>(FieldChangeKind kind, LambdaExpression? field, PropertyInfo property, TValue value);
}
