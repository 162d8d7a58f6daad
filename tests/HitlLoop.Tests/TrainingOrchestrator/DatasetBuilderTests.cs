using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HitlLoop.Contracts;
using HitlLoop.TrainingOrchestrator;
using HitlLoop.TrainingOrchestrator.Datasets;
using HitlLoop.TrainingOrchestrator.Policy;
using HitlLoop.TrainingOrchestrator.Storage;
using Microsoft.Extensions.Options;

namespace HitlLoop.Tests.TrainingOrchestrator;

public sealed class DatasetBuilderTests
{
    private static readonly RetrainTrigger Threshold = new(TriggerReasons.CorrectionThreshold, new Dictionary<string, double> { ["newCorrections"] = 100, ["threshold"] = 100 });

    private static DatasetBuilder Builder(string baseUrl = "http://localhost:5005") =>
        new(Options.Create(new TrainingOrchestratorOptions { PublicBaseUrl = new Uri(baseUrl) }));

    private static List<TrainingExample> Examples(int count) =>
        [.. Enumerable.Range(1, count).Select(i => TrainingData.Example($"gold-{i:D4}"))];

    private static string Sha256(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Test]
    public void The_content_hash_is_the_sha256_of_the_sft_file_and_repeats_whatever_the_input_order()
    {
        var examples = Examples(50);

        var first = Builder().Build(examples, 1, Threshold, null, DateTimeOffset.UtcNow);
        var again = Builder().Build(Enumerable.Reverse(examples), 1, Threshold, null, DateTimeOffset.UtcNow.AddHours(1));

        var file = string.Concat(first.Lines.Select(l => l.Sft + "\n"));
        Assert.Multiple(() =>
        {
            Assert.That(first.ContentHash, Does.Match("^sha256:[0-9a-f]{64}$"));
            Assert.That(first.ContentHash, Is.EqualTo(Sha256(file)));
            Assert.That(again.ContentHash, Is.EqualTo(first.ContentHash));
            Assert.That(first.Request.ContentHash, Is.EqualTo(first.ContentHash));
            Assert.That(first.Lines.Select(l => l.ExampleId), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        });
    }

    [Test]
    public void A_changed_answer_changes_the_content_hash()
    {
        var examples = Examples(5);
        var edited = examples.Select(e => e.Id == "gold-0003" ? e with { CorrectedText = e.CorrectedText + " Sorry!" } : e);

        Assert.That(
            Builder().Build(edited, 1, Threshold, null, DateTimeOffset.UtcNow).ContentHash,
            Is.Not.EqualTo(Builder().Build(examples, 1, Threshold, null, DateTimeOffset.UtcNow).ContentHash));
    }

    [Test]
    public void The_split_is_frozen_by_example_id_and_holds_out_about_the_eval_fraction()
    {
        // Fixed ids: the split is a hash of the id, so random ids would make the count itself random.
        var ids = Enumerable.Range(0, 1_000).Select(i => $"gold-{i * 7919:x8}-{i}").ToList();

        var splits = ids.Select(id => DatasetSplits.Assign(id, 0.1)).ToList();
        var eval = splits.Count(s => s == DatasetSplit.Eval);

        Assert.Multiple(() =>
        {
            Assert.That(eval, Is.InRange(70, 130), "about 10% of 1,000 examples held out");
            Assert.That(ids.Select(id => DatasetSplits.Assign(id, 0.1)), Is.EqualTo(splits), "the same id always lands in the same split");
            Assert.That(
                ids.Where((id, i) => splits[i] == DatasetSplit.Eval).Select(id => DatasetSplits.Assign(id, 0.2)),
                Has.All.EqualTo(DatasetSplit.Eval),
                "raising the fraction never moves an eval example into train");
        });
    }

    [Test]
    public void A_snapshot_counts_train_eval_and_preference_pairs_from_each_examples_stored_split()
    {
        var examples = Examples(200);
        examples[0] = examples[0] with { OriginalText = examples[0].CorrectedText, IsPreferencePair = false };

        var build = Builder().Build(examples, 7, Threshold, "bot-v1", DateTimeOffset.UtcNow);

        Assert.Multiple(() =>
        {
            Assert.That(build.DatasetId, Is.EqualTo("ds-000007"));
            Assert.That(build.Request.RequestId, Is.EqualTo("rr-000007"));
            Assert.That(build.Counts.Examples, Is.EqualTo(200));
            Assert.That(build.Counts.Eval, Is.EqualTo(examples.Count(e => e.Split == DatasetSplit.Eval)));
            Assert.That(build.Counts.Train + build.Counts.Eval, Is.EqualTo(200));
            Assert.That(build.Counts.PreferencePairs, Is.EqualTo(199));
            Assert.That(build.Request.BaseModelVersion, Is.EqualTo("bot-v1"));
            Assert.That(build.Request.TriggerReason, Is.EqualTo("correction_threshold"));
        });
    }

    [Test]
    public void Every_sft_line_is_one_json_object_with_the_context_the_query_and_the_human_answer()
    {
        var example = TrainingData.Example("gold-1", corrected: "Line one,\nline two — « Müller » <ok> & done.");

        var line = DatasetLines.Render(example);
        using var json = JsonDocument.Parse(line.Sft);
        var messages = json.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => (Role: m.GetProperty("role").GetString(), Content: m.GetProperty("content").GetString()))
            .ToList();
        var metadata = json.RootElement.GetProperty("metadata");

        Assert.Multiple(() =>
        {
            Assert.That(line.Sft, Does.Not.Contain("\n"), "one example per line");
            Assert.That(line.Sft, Does.Contain("« Müller » <ok> & done"), "text kept readable");
            Assert.That(messages.Select(m => m.Role), Is.EqualTo(new[] { "user", "assistant", "user", "assistant" }));
            Assert.That(messages[2].Content, Is.EqualTo(example.Query));
            Assert.That(messages[3].Content, Is.EqualTo(example.CorrectedText));
            Assert.That(metadata.GetProperty("exampleId").GetString(), Is.EqualTo("gold-1"));
            Assert.That(metadata.GetProperty("productId").GetString(), Is.EqualTo("support-bot"));
            Assert.That(metadata.GetProperty("categories")[0].GetString(), Is.EqualTo("billing"));
            Assert.That(metadata.GetProperty("split").GetString(), Is.EqualTo(example.Split == DatasetSplit.Eval ? "eval" : "train"));
        });
    }

    [Test]
    public void A_preference_line_prefers_the_human_answer_over_the_bots()
    {
        var line = DatasetLines.Render(TrainingData.Example("gold-1"));
        using var json = JsonDocument.Parse(line.Preference!);

        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("prompt").GetArrayLength(), Is.EqualTo(3));
            Assert.That(json.RootElement.GetProperty("chosen")[0].GetProperty("content").GetString(), Is.EqualTo("Duplicate charges are always refunded in full."));
            Assert.That(json.RootElement.GetProperty("rejected")[0].GetProperty("content").GetString(), Is.EqualTo("Refunds are only possible within 14 days."));
        });
    }

    [Test]
    public void Only_the_last_ten_turns_of_a_long_conversation_are_kept()
    {
        var turns = Enumerable.Range(1, 14).Select(i => new ConversationTurn { Role = i % 2 == 1 ? "user" : "assistant", Text = $"turn {i}" }).ToList();
        var line = DatasetLines.Render(TrainingData.Example("gold-1") with { RecentTurns = turns });

        using var json = JsonDocument.Parse(line.Sft);
        var messages = json.RootElement.GetProperty("messages");

        Assert.That(messages.GetArrayLength(), Is.EqualTo(12));
        Assert.That(messages[0].GetProperty("content").GetString(), Is.EqualTo("turn 5"));
    }

    [Test]
    public void Download_urls_sit_under_the_public_base_url_one_per_file()
    {
        var build = Builder("https://ml.example.com/training").Build(Examples(40), 2, Threshold, null, DateTimeOffset.UtcNow);

        var sft = build.Request.Formats.Where(f => f.Format == "sft-jsonl").ToDictionary(f => f.Split ?? "all", f => f.Url.AbsoluteUri);
        Assert.That(sft, Is.EqualTo(new Dictionary<string, string>
        {
            ["all"] = "https://ml.example.com/training/api/datasets/ds-000002/sft.jsonl",
            ["train"] = "https://ml.example.com/training/api/datasets/ds-000002/sft.jsonl?split=train",
            ["eval"] = "https://ml.example.com/training/api/datasets/ds-000002/sft.jsonl?split=eval",
        }));
    }
}
