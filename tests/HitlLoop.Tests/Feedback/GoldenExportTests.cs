using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HitlLoop.Contracts;
using HitlLoop.Feedback;
using HitlLoop.Feedback.Exports;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Security;
using HitlLoop.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.VisualBasic.FileIO;
using Newtonsoft.Json.Linq;

namespace HitlLoop.Tests.Feedback;

/// <summary>
/// Golden data browsed by cursor and exported as SFT and DPO JSONL and CSV, each export read back with a parser
/// other than the writer's (Json.NET for the lines, the VisualBasic field parser for CSV).
/// </summary>
public sealed class GoldenExportTests
{
    private static readonly DateTime Start = new(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    private HitlApp<FeedbackService> _app = null!;
    private HttpClient _ml = null!;
    private List<GoldenExample> _stored = null!;

    [OneTimeSetUp]
    public async Task Seed()
    {
        _app = new HitlApp<FeedbackService>();
        _ml = _app.ClientAs("mia", HitlRoles.Ml);
        var store = _app.Services.GetRequiredService<IFeedbackStore>();
        _stored = [.. Enumerable.Range(0, 1_300).Select(Example)];
        foreach (var example in _stored)
        {
            await store.AddGoldenExampleOnceAsync(example, CancellationToken.None);
        }

        // The same triplet taught again, up to case and spacing: kept for its lineage, never listed or exported.
        var repeated = _stored[5];
        var duplicate = await store.AddGoldenExampleOnceAsync(
            repeated with { Id = "ge-again", ResponseId = "resp-again", ReviewId = "rev-again", HumanOutput = " " + repeated.HumanOutput.ToUpperInvariant().Replace(" ", "  ", StringComparison.Ordinal) },
            CancellationToken.None);
        Assert.That(duplicate.DuplicateOf, Is.EqualTo(repeated.Id));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _ml.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// 1,300 examples over two products. Examples 200–899 share one instant, more than an export reads at a time, so
    /// paging must carry on inside an instant. Some answers hold commas, quotes, line breaks and non-ASCII text; every
    /// tenth human output is the bot's own (no preference pair).
    /// </summary>
    private static GoldenExample Example(int i)
    {
        var original = i % 7 == 0 ? "Refunds take \"up to\" 30 days,\nsorry." : $"Refunds are possible within 14 days (case {i}).";
        return new GoldenExample
        {
            Id = $"ge-{i:D4}/é #{i % 3}",
            ProductId = i % 4 == 0 ? "sales-bot" : "support-bot",
            Query = $"Can I get refund number {i}?",
            Context = new ResponseContext
            {
                Category = i % 2 == 0 ? "billing" : "shipping",
                RecentTurns = [new ConversationTurn { Role = "user", Text = "Hello" }, new ConversationTurn { Role = "assistant", Text = "Hi, how can I help?" }],
            },
            HumanOutput = i % 10 == 0 ? original : $"Duplicate charges are refunded in full, ça va, within 5 days ({i}).",
            OriginalText = original,
            Labels = i % 3 == 0 ? ["wrong_policy", "tone"] : ["tone"],
            ReviewerId = "anna",
            ResponseId = $"resp-{i}",
            ReviewId = $"rev-{i}",
            Similarity = 0.5,
            ReviewedAt = Start,
            AcceptedAt = i is >= 200 and < 900 ? Start.AddMinutes(200) : Start.AddMinutes(i),
        };
    }

    private async Task<string> Export(string path)
    {
        using var response = await _ml.GetAsync(new Uri(path, UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
    }

    private static List<JObject> Lines(string jsonl)
    {
        Assert.That(jsonl, Does.EndWith("\n"));
        return [.. jsonl.Split('\n')[..^1].Select(JObject.Parse)];
    }

    [Test]
    public async Task Sft_lines_are_chat_messages_ending_with_the_human_output_one_per_example()
    {
        var lines = Lines(await Export("/api/feedback/exports/sft.jsonl?productId=support-bot"));
        var expected = _stored.Where(e => e.ProductId == "support-bot").ToDictionary(e => e.Id);

        Assert.That(lines.Select(l => (string?)l["metadata"]!["exampleId"]), Is.EquivalentTo(expected.Keys), "each example once");
        Assert.Multiple(() =>
        {
            foreach (var line in lines)
            {
                var example = expected[(string)line["metadata"]!["exampleId"]!];
                var messages = (JArray)line["messages"]!;
                Assert.That(line.Properties().Select(p => p.Name), Is.EqualTo(new[] { "messages", "metadata" }));
                Assert.That(messages.Select(m => (string?)m["role"]), Is.EqualTo(new[] { "user", "assistant", "user", "assistant" }));
                Assert.That(messages.All(m => m is JObject { Count: 2 } && m["content"]!.Type == JTokenType.String), Is.True);
                Assert.That((string?)messages[2]["content"], Is.EqualTo(example.Query));
                Assert.That((string?)messages[3]["content"], Is.EqualTo(example.HumanOutput));
                Assert.That((string?)line["metadata"]!["productId"], Is.EqualTo("support-bot"));
            }
        });
    }

    [Test]
    public async Task Dpo_lines_prefer_the_human_output_to_the_bot_s_and_leave_out_non_pairs()
    {
        var lines = Lines(await Export("/api/feedback/exports/dpo.jsonl?category=billing"));
        var expected = _stored.Where(e => e.Context.Category == "billing" && e.HumanOutput != e.OriginalText).ToDictionary(e => e.Id);

        Assert.That(lines.Select(l => (string?)l["metadata"]!["exampleId"]), Is.EquivalentTo(expected.Keys));
        Assert.Multiple(() =>
        {
            foreach (var line in lines)
            {
                var example = expected[(string)line["metadata"]!["exampleId"]!];
                Assert.That(line.Properties().Select(p => p.Name), Is.EqualTo(new[] { "prompt", "chosen", "rejected", "metadata" }));
                Assert.That((string?)line["prompt"]!.Last!["content"], Is.EqualTo(example.Query));
                Assert.That((string?)line["chosen"]!.Single()["content"], Is.EqualTo(example.HumanOutput));
                Assert.That((string?)line["rejected"]!.Single()["content"], Is.EqualTo(example.OriginalText));
                Assert.That(line["chosen"]!.Concat(line["rejected"]!).Select(m => (string?)m["role"]), Is.All.EqualTo("assistant"));
            }
        });
    }

    [Test]
    public async Task Csv_reads_back_field_for_field_with_quotes_line_breaks_and_non_ascii()
    {
        var csv = await Export("/api/feedback/exports/golden.csv?label=wrong_policy&from=2026-03-01T08:00:00Z&to=2026-03-02");
        using var parser = new TextFieldParser(new StringReader(csv)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!;
        var rows = new List<string[]>();
        while (!parser.EndOfData)
        {
            rows.Add(parser.ReadFields()!);
        }

        var expected = _stored.Where(e => e.Labels.Contains("wrong_policy") && e.AcceptedAt < new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc)).ToDictionary(e => e.Id);
        Assert.That(header, Is.EqualTo(GoldenExports.CsvColumns));
        Assert.That(rows.Select(r => r[0]), Is.EquivalentTo(expected.Keys));
        Assert.Multiple(() =>
        {
            foreach (var row in rows)
            {
                var example = expected[row[0]];
                Assert.That(row, Has.Length.EqualTo(header.Length));
                Assert.That((row[1], row[10], row[11], row[12]), Is.EqualTo((example.ProductId, example.Query, example.OriginalText, example.HumanOutput)));
                Assert.That(row[4], Is.EqualTo("wrong_policy|tone"));
            }
        });
        Assert.That(rows.Any(r => r[11].Contains('\n') && r[11].Contains('"')), Is.True, "a quoted line break survived");
    }

    [Test]
    public async Task Paging_by_cursor_returns_every_example_once_newest_first_even_inside_one_instant()
    {
        var seen = new List<JsonNode>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await _ml.GetFromJsonAsync<JsonObject>("/api/feedback/golden?productId=support-bot&limit=97" + (next is null ? "" : "&after=" + Uri.EscapeDataString(next)));
            seen.AddRange(page!["items"]!.AsArray().Select(i => i!));
            next = (string?)page["next"];
            pages++;
        }
        while (next is not null && pages < 100);

        var ids = seen.Select(i => (string)i["id"]!).ToList();
        var accepted = seen.Select(i => (DateTime)i["acceptedAt"]!).ToList();
        Assert.That(ids, Is.EquivalentTo(_stored.Where(e => e.ProductId == "support-bot").Select(e => e.Id)));
        Assert.That(accepted, Is.Ordered.Descending);
    }

    [Test]
    public async Task A_filtered_page_matches_only_its_category_and_label()
    {
        var page = await _ml.GetFromJsonAsync<JsonObject>("/api/feedback/golden?category=shipping&label=wrong_policy&limit=20");
        var items = page!["items"]!.AsArray();

        Assert.That(items, Has.Count.EqualTo(20));
        Assert.That(items.Select(i => (string?)i!["context"]!["category"]), Is.All.EqualTo("shipping"));
        Assert.That(items.Select(i => i!["labels"]!.AsArray().Select(l => (string?)l)), Has.All.Contains("wrong_policy"));
    }

    [TestCase("/api/feedback/golden?after=not-a-cursor", "after")]
    [TestCase("/api/feedback/golden?from=yesterday", "from")]
    [TestCase("/api/feedback/exports/sft.jsonl?from=2026-03-02&to=2026-03-01", "to")]
    [TestCase("/api/feedback/exports/golden.csv?to=soon", "to")]
    public async Task A_bad_filter_is_a_400_naming_the_field(string path, string field)
    {
        using var response = await _ml.GetAsync(new Uri(path, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
    }
}
