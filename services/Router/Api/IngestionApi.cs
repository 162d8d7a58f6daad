using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.Router.Policy;
using HitlLoop.Router.Storage;
using HitlLoop.ServiceDefaults;
using HitlLoop.ServiceDefaults.Http;
using HitlLoop.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HitlLoop.Router.Api;

/// <summary>
/// <c>POST /api/responses</c>: how a chat product without a broker hands over its scored responses, in any runtime.
/// The Router decides them in the request, with the same checks and the same once-per-response-id write as its
/// consumer, so the 202 comes only after the decision (and any review request, in the decision's outbox) is stored.
/// </summary>
internal static class IngestionApi
{
    /// <summary>Responses in one request.</summary>
    public const int MaxBatch = 100;

    /// <summary>A full batch of responses with every text at its limit does not fit; a realistic one does, many times over.</summary>
    public const long MaxBodyBytes = 32 * 1024 * 1024;

    public static void MapIngestionApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/responses", async Task<Results<Accepted<IngestionReceipt>, ValidationProblem, ProblemHttpResult>> (
            HttpRequest request, ResponseRouter router, ReviewRequestOutbox reviewRequests, CancellationToken cancellationToken) =>
        {
            if (!request.HasJsonContentType())
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "Unsupported media type",
                    detail: "Send the scored responses as application/json.");
            }

            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            }
            catch (JsonException e)
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["body"] = [$"body is not valid JSON: {e.Message.Split(" Path:", 2)[0]}"] },
                    title: "The scored responses were not accepted; none was stored.");
            }

            IReadOnlyList<ResponseScored> responses;
            using (document)
            {
                (responses, var problems) = Read(document.RootElement);
                if (problems.Count > 0)
                {
                    return TypedResults.ValidationProblem(problems, title: "The scored responses were not accepted; none was stored.");
                }
            }

            // Side by side: the embedded store commits concurrent decisions together.
            var decided = await Task.WhenAll(responses.Select(async response =>
            {
                var routed = await router.DecideAsync(response, cancellationToken);
                var decision = routed.Decision;
                // Stored before the answer: should the bus be away, the outbox sweeper sends the review request later.
                await reviewRequests.SendAsync(routed, cancellationToken);
                return new AcceptedResponse(decision.Id, decision.Outcome, decision.Audit, DecisionPath(decision.Id));
            }));

            var location = decided.Length == 1 ? decided[0].Decision : null;
            return TypedResults.Accepted(location, new IngestionReceipt(decided));
        })
        .Accepts<ResponseScored>("application/json")
        .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
        .RequireAuthorization(HitlPolicies.Product)
        .RequireRateLimiting(ProductRateLimit.Policy)
        .WithTags("Ingestion")
        .WithSummary("Hand over one scored response, or an array of up to 100, for routing")
        .WithDescription("Each response is checked as the Router's consumer checks a ResponseScored message; if any fails, the answer is 400 naming it (e.g. [3].confidence) and none is stored. A response id seen before keeps its first decision.");

    /// <summary>One response or an array of them, each checked; problems are keyed by field, prefixed <c>[i].</c> in a batch.</summary>
    internal static (IReadOnlyList<ResponseScored> Responses, Dictionary<string, string[]> Problems) Read(JsonElement body)
    {
        var problems = new Dictionary<string, string[]>();
        var responses = new List<ResponseScored>();
        switch (body.ValueKind)
        {
            case JsonValueKind.Object:
                Add(body, prefix: "");
                break;
            case JsonValueKind.Array when body.GetArrayLength() is 0 or > MaxBatch:
                problems["body"] = [$"body must hold between 1 and {MaxBatch} scored responses; it holds {body.GetArrayLength()}"];
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var element in body.EnumerateArray())
                {
                    Add(element, prefix: $"[{index++}].");
                }

                var repeated = responses.GroupBy(r => r.ResponseId, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                if (repeated.Count > 0)
                {
                    problems["responseId"] = [$"each response id may appear once in a batch; repeated: {string.Join(", ", repeated.Take(5).Select(Quote))}"];
                }

                break;
            default:
                problems["body"] = ["body must be a scored response (a JSON object) or an array of them"];
                break;
        }

        return (responses, problems);

        void Add(JsonElement element, string prefix)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                problems[prefix.Length == 0 ? "body" : prefix.TrimEnd('.')] = ["a scored response must be a JSON object"];
                return;
            }

            ResponseScored? response;
            try
            {
                response = element.Deserialize<ResponseScored>(MessageJson.Options);
            }
            catch (JsonException e)
            {
                var (field, message) = JsonProblem.Of(e, prefix);
                problems[field] = [message];
                return;
            }

            var checks = ResponseScoredValidator.Check(response!);
            foreach (var (field, messages) in checks.ByField())
            {
                problems[prefix + field] = messages;
            }

            if (checks.Problems.Count == 0)
            {
                responses.Add(response!);
            }
        }
    }

    private static string Quote(string id) => id.Length > 40 ? $"\"{id[..40]}…\"" : $"\"{id}\"";

    private static string DecisionPath(string responseId) => $"/api/router/decisions/{Uri.EscapeDataString(responseId)}";
}

/// <summary>What became of each accepted response, in the order sent.</summary>
public sealed record IngestionReceipt(IReadOnlyList<AcceptedResponse> Accepted);

/// <summary>
/// An accepted response's routing: <see cref="Outcome"/> says whether a reviewer will see it (an audited one is
/// auto-approved and checked afterwards); <see cref="Decision"/> explains why.
/// </summary>
public sealed record AcceptedResponse(string ResponseId, RoutingOutcome Outcome, bool Audit, string Decision);
