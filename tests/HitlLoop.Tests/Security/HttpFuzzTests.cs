using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HitlLoop.Embedded;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Testing;
using HitlLoop.Tests.Support;

namespace HitlLoop.Tests.Security;

/// <summary>
/// Malformed requests for every operation the OpenAPI description lists, made from that description, on the embedded
/// host (all five services): wrong types, missing and extra fields, non-finite and huge numbers, oversize strings and
/// arrays, bad enums, odd ids, bad and missing tokens, wrong methods. None may answer 5xx, and every 400 must be
/// problem details naming the field.
/// </summary>
public sealed class HttpFuzzTests
{
    private static readonly string[] AllRoles = [HitlRoles.Reviewer, HitlRoles.Lead, HitlRoles.Admin, HitlRoles.Product, HitlRoles.Ml];

    private static readonly string[] OddIds =
    [
        "a/b?c#d e", "ответ-1 ✓ 日本", "%2F..%20+&=", "  padded  ", "..", "Id-Case", "id-case", new string('x', 5_000), "\u0001control",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    [Test]
    public async Task No_malformed_request_gets_a_5xx_and_every_400_names_a_field()
    {
        // Product allowance off: the fuzzer calls ingestion far faster than a product may (RateLimitTests covers it).
        await using var app = new HitlApp<EmbeddedHost>(new Dictionary<string, string?> { ["Hitl:RateLimit:ProductRequestsPerSecond"] = "0" });
        using var admin = app.ClientAs("fuzz-admin", AllRoles);
        var description = JsonNode.Parse(await admin.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;

        // An item and a decision under the id the requests use, so they reach the handlers' own checks, not only a 404.
        using var seeded = await admin.PostAsync(
            new Uri("/api/responses", UriKind.Relative),
            new StringContent("""{"responseId":"fuzz-1","productId":"support-bot","query":"Why?","response":"Because.","confidence":0.2}""", Encoding.UTF8, "application/json"));
        Assert.That(seeded.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually.Get(
            async () => (await admin.GetAsync(new Uri("/api/reviews/fuzz-1", UriKind.Relative))).StatusCode,
            status => status == HttpStatusCode.OK,
            what: "the seeded review item");
        var fuzz = new Fuzzer(description);

        var failures = new List<string>();
        var sent = 0;
        var answered = new Dictionary<int, int>();
        foreach (var (path, methods) in description["paths"]!.AsObject())
        {
            foreach (var (method, operation) in methods!.AsObject())
            {
                foreach (var request in fuzz.Requests(path, method.ToUpperInvariant(), operation!))
                {
                    var (status, body) = await SendAsync(admin, request);
                    sent++;
                    answered[status] = answered.GetValueOrDefault(status) + 1;
                    if (Problem(status, body) is { } problem)
                    {
                        failures.Add($"{request.Method} {request.Uri} [{request.What}]: {problem}");
                    }
                }
            }

            foreach (var method in Methods.Where(m => !methods!.AsObject().ContainsKey(m.ToLowerInvariant())))
            {
                var (status, body) = await SendAsync(admin, new FuzzRequest(method, Fuzzer.Fill(path), null, "a method the path does not take"));
                sent++;
                answered[status] = answered.GetValueOrDefault(status) + 1;
                if (Problem(status, body) is { } problem)
                {
                    failures.Add($"{method} {path} [a method the path does not take]: {problem}");
                }
            }
        }

        foreach (var (credentials, what) in BadCredentials())
        {
            using var client = app.CreateClient();
            if (credentials is not null)
            {
                client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(credentials);
            }

            using var response = await client.GetAsync(new Uri("/api/reviews/", UriKind.Relative));
            sent++;
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"GET /api/reviews/ with {what}: {(int)response.StatusCode}, expected 401");
            }
        }

        TestContext.Out.WriteLine($"{sent} requests; answers: {string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}"))}");
        Assert.That(sent, Is.GreaterThan(1_000), "the description should yield well over a thousand requests");
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Take(60)));
    }

    /// <summary>What is wrong with an answer, or null: a 5xx, or a 400 that is not problem details naming a field.</summary>
    private static string? Problem(int status, string body)
    {
        if (status >= 500)
        {
            return $"{status}: {Trim(body)}";
        }

        if (status != 400)
        {
            return null;
        }

        try
        {
            var errors = JsonNode.Parse(body)?["errors"] as JsonObject;
            return errors is { Count: > 0 } && errors.All(e => !string.IsNullOrWhiteSpace(e.Key)) ? null : $"400 naming no field: {Trim(body)}";
        }
        catch (JsonException)
        {
            return $"400 that is not problem details: {Trim(body)}";
        }
    }

    private static string Trim(string body) => body.Length > 300 ? body[..300] + "…" : body;

    private static async Task<(int Status, string Body)> SendAsync(HttpClient client, FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Uri, UriKind.Relative)) { Content = request.Body };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // Headers only: the queue's event stream never ends, and an answer's body matters only when it is a 4xx or 5xx.
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var status = (int)response.StatusCode;
        var body = status >= 400 ? await response.Content.ReadAsStringAsync(timeout.Token) : "";
        return (status, body);
    }

    private static IEnumerable<(string? Credentials, string What)> BadCredentials()
    {
        var strangers = new TokenSigning(RandomNumberGenerator.GetBytes(32), AuthOptions.DefaultIssuer, AuthOptions.DefaultAudience, "roles");
        var expired = HitlTokens.Mint(TestAuth.Signing, "late", null, [HitlRoles.Admin], TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddHours(-2)).Token;
        yield return (null, "no token");
        yield return ("Bearer not-a-token", "a token that is no JWT and no key");
        yield return ("Bearer " + HitlTokens.Mint(strangers, "mallory", null, [HitlRoles.Admin], TimeSpan.FromHours(1), DateTimeOffset.UtcNow).Token, "a token signed with another key");
        yield return ("Bearer " + expired, "an expired token");
        yield return ("Bearer " + TestAuth.Token("x")[..^4] + "AAAA", "a token with a forged signature");
        yield return ("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin")), "basic credentials");
        yield return ("Bearer " + new string('A', 20_000), "a 20 KB token");
    }

    private sealed record FuzzRequest(string Method, string Uri, HttpContent? Body, string What);

    /// <summary>Turns one operation of the description into many malformed requests.</summary>
    private sealed class Fuzzer(JsonNode description)
    {
        private static readonly string LongText = new('y', 1_100_000);

        public IEnumerable<FuzzRequest> Requests(string path, string method, JsonNode operation)
        {
            var parameters = operation["parameters"]?.AsArray().Select(p => p!).ToList() ?? [];
            var query = parameters.Where(p => (string?)p["in"] == "query").ToList();
            var body = operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema ? Resolve(schema) : null;
            var sample = body is null ? null : Sample(body, depth: 0);

            // The well-formed request first, then odd ids in every path parameter.
            yield return new(method, Fill(path), Json(sample), "well formed");
            if (path.Contains('{', StringComparison.Ordinal))
            {
                foreach (var id in OddIds)
                {
                    yield return new(method, Fill(path, id), Json(sample), $"id {Describe(id)}");
                }
            }

            foreach (var parameter in query)
            {
                var name = (string)parameter["name"]!;
                foreach (var value in BadQueryValues(Resolve(parameter["schema"] ?? new JsonObject())))
                {
                    yield return new(method, $"{Fill(path)}?{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}", Json(sample), $"query {name}={Describe(value)}");
                }
            }

            if (body is null)
            {
                yield break;
            }

            foreach (var (raw, what) in BrokenBodies())
            {
                yield return new(method, Fill(path), new StringContent(raw, Encoding.UTF8, "application/json"), what);
            }

            yield return new(method, Fill(path), new StringContent(sample!.ToJsonString(), Encoding.UTF8, "text/plain"), "a JSON body sent as text/plain");
            yield return new(method, Fill(path), new StringContent(new string(' ', 9_000_000) + "{}", Encoding.UTF8, "application/json"), "a 9 MB body");

            foreach (var (mutated, what) in Mutations(body, sample!, prefix: ""))
            {
                yield return new(method, Fill(path), new StringContent(mutated, Encoding.UTF8, "application/json"), what);
            }
        }

        /// <summary>The path with each parameter filled by <paramref name="id"/> (escaped, as a client must send it).</summary>
        public static string Fill(string path, string id = "fuzz-1") =>
            System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", _ => Uri.EscapeDataString(id));

        private static string Describe(string value) => value.Length > 40 ? $"{value.Length} characters" : value;

        private static StringContent? Json(JsonNode? sample) =>
            sample is null ? null : new StringContent(sample.ToJsonString(), Encoding.UTF8, "application/json");

        private static IEnumerable<(string Raw, string What)> BrokenBodies()
        {
            yield return ("", "an empty body");
            yield return ("null", "a null body");
            yield return ("[]", "an array for the body");
            yield return ("\"text\"", "a string for the body");
            yield return ("{", "cut-off JSON");
            yield return ("{\"a\":NaN}", "a bare NaN");
            yield return ("not json at all", "no JSON");
            yield return (new string('[', 5_000) + new string(']', 5_000), "arrays nested 5,000 deep");
        }

        private static IEnumerable<string> BadQueryValues(JsonNode schema)
        {
            yield return "";
            yield return LongText[..100_000];
            yield return "ответ ✓";
            if (Types(schema).Overlaps(["integer", "number"]))
            {
                yield return "abc";
                yield return "NaN";
                yield return "Infinity";
                yield return "1e400";
                yield return "-99999999999999999999999";
                yield return "-1";
                yield return "0x10";
            }

            if (Types(schema).Contains("boolean"))
            {
                yield return "maybe";
            }

            if (schema["enum"] is not null)
            {
                yield return "not-a-member";
                yield return "2";
            }

            if (schema["format"]?.GetValue<string>() is "date-time" or "date")
            {
                yield return "2024-13-45";
                yield return "yesterday";
            }
        }

        /// <summary>Each property of <paramref name="schema"/> broken in every way its type allows, one at a time.</summary>
        private IEnumerable<(string Json, string What)> Mutations(JsonNode schema, JsonNode sample, string prefix)
        {
            if (sample is not JsonObject root || schema["properties"] is not JsonObject properties)
            {
                yield break;
            }

            yield return (With(root, "unexpectedField", JsonValue.Create(1)), "an extra field");
            foreach (var (name, propertyNode) in properties)
            {
                var property = Resolve(propertyNode!);
                var field = prefix + name;
                yield return (Without(root, name), $"{field} missing");
                yield return (With(root, name, null), $"{field} null");
                foreach (var (value, what) in WrongValues(property))
                {
                    yield return (WithRaw(root, name, value), $"{field}: {what}");
                }

                if (root[name] is JsonObject && property["properties"] is not null)
                {
                    foreach (var (inner, what) in Mutations(property, root[name]!, field + "."))
                    {
                        yield return (WithRaw(root, name, inner), what);
                    }
                }
            }
        }

        private static IEnumerable<(string Raw, string What)> WrongValues(JsonNode property)
        {
            var types = Types(property);
            yield return ("{}", "an object");
            yield return ("[1,2]", "an array of numbers");
            yield return ("true", "a boolean");
            yield return ("\"text\"", "a string");
            yield return ("1e400", "1e400");
            yield return ("-1e400", "-1e400");
            yield return ("\"NaN\"", "\"NaN\"");
            yield return ("\"Infinity\"", "\"Infinity\"");
            yield return ("NaN", "a bare NaN");
            yield return ("123456789012345678901234567890", "a 30-digit integer");
            yield return ("-1", "-1");
            if (types.Contains("string") || types.Count == 0)
            {
                yield return (JsonSerializer.Serialize(LongText), "a 1.1 MB string");
                yield return ("\"\"", "an empty string");
                yield return ("\"\\u0000\"", "a NUL character");
            }

            if (types.Contains("array"))
            {
                yield return ("[" + string.Join(",", Enumerable.Repeat("\"x\"", 100_000)) + "]", "100,000 elements");
                yield return ("[null]", "an array holding null");
                yield return ("[{}]", "an array holding an object");
            }

            if (property["enum"] is not null || property["format"] is not null)
            {
                yield return ("\"not-a-member\"", "a value outside the enum or format");
                yield return ("2", "an enum's number");
            }
        }

        private static string With(JsonObject root, string name, JsonNode? value)
        {
            var copy = root.DeepClone().AsObject();
            copy[name] = value;
            return copy.ToJsonString();
        }

        private static string Without(JsonObject root, string name)
        {
            var copy = root.DeepClone().AsObject();
            copy.Remove(name);
            return copy.ToJsonString();
        }

        /// <summary>The object as JSON with <paramref name="name"/> set to raw JSON text (which may be invalid on purpose).</summary>
        private static string WithRaw(JsonObject root, string name, string raw)
        {
            var copy = root.DeepClone().AsObject();
            copy[name] = "\u0001placeholder\u0001";
            return copy.ToJsonString().Replace("\"\\u0001placeholder\\u0001\"", raw, StringComparison.Ordinal);
        }

        private static HashSet<string> Types(JsonNode schema) => schema["type"] switch
        {
            JsonValue value => [value.GetValue<string>()],
            JsonArray values => [.. values.Select(v => v!.GetValue<string>())],
            _ => [],
        };

        private JsonNode Resolve(JsonNode schema)
        {
            while (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                var node = description;
                foreach (var part in reference.TrimStart('#', '/').Split('/'))
                {
                    node = node[part]!;
                }

                schema = node;
            }

            return schema["oneOf"] is JsonArray options ? Resolve(options.First(o => o?["type"]?.ToString() != "null")!) : schema;
        }

        /// <summary>A plausible value for <paramref name="schema"/>: what the mutations start from.</summary>
        private JsonNode? Sample(JsonNode schema, int depth)
        {
            schema = Resolve(schema);
            if (schema["enum"] is JsonArray members && members.FirstOrDefault(m => m is not null) is { } member)
            {
                return member.DeepClone();
            }

            var types = Types(schema);
            if (types.Contains("object") || schema["properties"] is not null)
            {
                var sample = new JsonObject();
                foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
                {
                    sample[name] = depth < 4 ? Sample(property!, depth + 1) : null;
                }

                return sample;
            }

            if (types.Contains("array"))
            {
                return new JsonArray(schema["items"] is { } items && depth < 4 ? Sample(items, depth + 1) : null);
            }

            return types switch
            {
                _ when types.Contains("integer") => 1,
                _ when types.Contains("number") => 0.5,
                _ when types.Contains("boolean") => true,
                _ when schema["format"]?.GetValue<string>() == "date-time" => DateTimeOffset.UtcNow.ToString("O"),
                _ => "fuzz text",
            };
        }
    }
}
