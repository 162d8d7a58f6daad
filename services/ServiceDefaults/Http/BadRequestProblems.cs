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

        var (field, message) = bad.InnerException is JsonException json
            ? (FieldOf(json.Path), $"{FieldOf(json.Path)} is not valid here: {FirstSentence(json.Message)}")
            : ("body", bad.Message);
        context.Response.StatusCode = bad.StatusCode;
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "The request could not be read",
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    /// <summary>"$.ratings.overall" → "ratings.overall"; the root → "body".</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0];
}
