using System.Linq.Expressions;
using System.Reflection;

namespace HitlLoop.ServiceDefaults.Storage;

/// <summary>
/// Field assignments applied to one document in a single atomic store operation, with its version advanced
/// by one. Only top-level properties may be set, so both stores can translate each assignment exactly.
/// </summary>
public sealed class DocumentUpdate<T>
    where T : class, IDocument
{
    private readonly List<IFieldAssignment> _assignments = [];

    public IReadOnlyList<IFieldAssignment> Assignments => _assignments;

    public DocumentUpdate<T> Set<TValue>(Expression<Func<T, TValue>> field, TValue value)
    {
        if (field.Body is not MemberExpression { Member: PropertyInfo property, Expression: ParameterExpression })
        {
            throw new ArgumentException($"Only a top-level property of {typeof(T).Name} can be set, not {field}.", nameof(field));
        }

        if (property.Name == nameof(IDocument.Id) || property.Name == nameof(IDocument.Version))
        {
            throw new ArgumentException($"{property.Name} is managed by the store and cannot be set.", nameof(field));
        }

        _assignments.Add(new FieldAssignment<TValue>(field, property, value));
        return this;
    }

    /// <summary>One assignment, opened by an adapter through <see cref="IFieldAssignmentVisitor{T}"/> with its static type.</summary>
    public interface IFieldAssignment
    {
        PropertyInfo Property { get; }

        void Accept(IFieldAssignmentVisitor<T> visitor);
    }

    private sealed record FieldAssignment<TValue>(Expression<Func<T, TValue>> Field, PropertyInfo Property, TValue Value) : IFieldAssignment
    {
        public void Accept(IFieldAssignmentVisitor<T> visitor) => visitor.Visit(Field, Property, Value);
    }
}

/// <summary>How a store adapter translates each assignment of a <see cref="DocumentUpdate{T}"/>.</summary>
public interface IFieldAssignmentVisitor<T>
    where T : class, IDocument
{
    void Visit<TValue>(Expression<Func<T, TValue>> field, PropertyInfo property, TValue value);
}
