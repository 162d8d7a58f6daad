using System.Linq.Expressions;

namespace HitlLoop.ServiceDefaults.Storage;

/// <summary>
/// Joins two filters into one plain lambda. Both stores translate a single parameter's member comparisons;
/// neither translates Expression.Invoke, so the second filter's parameter is rebound rather than invoked.
/// </summary>
public static class Filters
{
    public static Expression<Func<T, bool>> And<T>(Expression<Func<T, bool>>? left, Expression<Func<T, bool>> right)
    {
        if (left is null)
        {
            return right;
        }

        var rightBody = new Rebind(right.Parameters[0], left.Parameters[0]).Visit(right.Body);
        return Expression.Lambda<Func<T, bool>>(Expression.AndAlso(left.Body, rightBody), left.Parameters);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
