using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace HitlLoop.ServiceDefaults.Http;

/// <summary>
/// A request the framework could not bind (broken JSON, a number where a name belongs, a missing body) answers
/// 400 problem details naming the field, e.g. <c>errors.verdict</c>, instead of a bare "Bad Request".
/// </summary>
internal sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var (field, message) = bad.InnerException is JsonException json ? JsonProblem.Of(json) : ("body", bad.Message);
        context.Response.StatusCode = bad.StatusCode;
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "The request could not be read",
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }
}

/// <summary>A JSON value that could not be read, as a field name and a reason fit for problem details.</summary>
public static class JsonProblem
{
    /// <summary>E.g. ("ratings.overall", "ratings.overall is not valid here: The JSON value could not be converted ...").</summary>
    /// <param name="prefix">Put before the field, e.g. "[3]." for an item of a batch.</param>
    public static (string Field, string Message) Of(JsonException exception, string prefix = "")
    {
        var field = prefix + FieldOf(exception.Path);
        return (field, $"{field} is not valid here: {exception.Message.Split(" Path:", 2)[0]}");
    }

    /// <summary>"$.ratings.overall" → "ratings.overall"; the root → "body".</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
