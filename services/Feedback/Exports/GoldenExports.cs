using System.Globalization;
using System.Text;
using CsvHelper;
using HitlLoop.Feedback.Storage;
using HitlLoop.ServiceDefaults.Training;

namespace HitlLoop.Feedback.Exports;

/// <summary>
/// Golden examples written for fine-tuning and analysis, one example at a time as they are read: chat-format SFT
/// lines, DPO preference pairs, CSV.
/// </summary>
public static class GoldenExports
{
    public const string JsonLines = "application/jsonl; charset=utf-8";
    public const string Csv = "text/csv; charset=utf-8";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// <c>{"messages":[…recent turns, {"role":"user",…}, {"role":"assistant","content":human output}],"metadata":{…}}</c>
    /// </summary>
    public static Task WriteSftAsync(Stream body, IAsyncEnumerable<GoldenExample> examples, CancellationToken cancellationToken) =>
        WriteLinesAsync(body, examples, e => ChatLines.Sft(ChatLines.Prompt(e.Context.RecentTurns, e.Query), e.HumanOutput, ExportMetadata.Of(e)), cancellationToken);

    /// <summary>
    /// <c>{"prompt":[…],"chosen":[{"role":"assistant","content":human output}],"rejected":[{"role":"assistant","content":bot output}],"metadata":{…}}</c>;
    /// an example whose human output is the bot's is no preference and is left out.
    /// </summary>
    public static Task WriteDpoAsync(Stream body, IAsyncEnumerable<GoldenExample> examples, CancellationToken cancellationToken) =>
        WriteLinesAsync(
            body,
            examples,
            e => ChatLines.IsPreferencePair(e.OriginalText, e.HumanOutput)
                ? ChatLines.Preference(ChatLines.Prompt(e.Context.RecentTurns, e.Query), e.HumanOutput, e.OriginalText, ExportMetadata.Of(e))
                : null,
            cancellationToken);

    /// <summary>One row per example, a header first (<see cref="CsvColumns"/>); lists are joined with "|".</summary>
    public static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<GoldenExample> examples, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        await using var csv = CsvWriter.Create(writer, CsvWriterOptions.Default, true);
        await csv.WriteRecordAsync(CsvColumns, cancellationToken);
        await foreach (var example in examples.WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync(CsvRow(example), cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    private static async Task WriteLinesAsync(
        Stream body, IAsyncEnumerable<GoldenExample> examples, Func<GoldenExample, string?> render, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, Utf8, bufferSize: 64 * 1024, leaveOpen: true);
        await foreach (var example in examples.WithCancellation(cancellationToken))
        {
            if (render(example) is { } line)
            {
                await writer.WriteAsync(line);
                await writer.WriteAsync('\n');
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>The lineage every exported line carries.</summary>
    private sealed record ExportMetadata(
        string ExampleId,
        string ProductId,
        string? Category,
        IReadOnlyList<string> Categories,
        IReadOnlyList<string> Labels,
        string Consensus,
        IReadOnlyList<string> ReviewIds,
        IReadOnlyList<string> ReviewerIds,
        string ResponseId,
        string? ModelVersion,
        string? PolicyVersion,
        IReadOnlyList<string> TriggerCodes,
        DateTime ReviewedAt,
        DateTime AcceptedAt)
    {
        public static ExportMetadata Of(GoldenExample e) => new(
            e.Id, e.ProductId, e.Context.Category, e.Categories, e.Labels, e.Consensus, ReviewIdsOf(e), ReviewerIdsOf(e), e.ResponseId, e.ModelVersion, e.PolicyVersion,
            e.TriggerCodes, Utc(e.ReviewedAt), Utc(e.AcceptedAt));
    }

    public static readonly string[] CsvColumns =
    [
        "exampleId", "productId", "category", "categories", "labels", "consensus", "reviewerId", "reviewIds", "modelVersion",
        "policyVersion", "query", "originalText", "humanOutput", "similarity", "reviewedAt", "acceptedAt",
    ];

    private static string[] CsvRow(GoldenExample e) =>
    [
        e.Id,
        e.ProductId,
        e.Context.Category ?? "",
        string.Join('|', e.Categories),
        string.Join('|', e.Labels),
        e.Consensus,
        e.ReviewerId,
        string.Join('|', ReviewIdsOf(e)),
        e.ModelVersion ?? "",
        e.PolicyVersion ?? "",
        e.Query,
        e.OriginalText,
        e.HumanOutput,
        e.Similarity.ToString("R", CultureInfo.InvariantCulture),
        Utc(e.ReviewedAt).ToString("O", CultureInfo.InvariantCulture),
        Utc(e.AcceptedAt).ToString("O", CultureInfo.InvariantCulture),
    ];

    // Examples stored before their lineage listed every review name their one review.
    private static IReadOnlyList<string> ReviewIdsOf(GoldenExample e) => e.ReviewIds.Count > 0 ? e.ReviewIds : [e.ReviewId];

    private static IReadOnlyList<string> ReviewerIdsOf(GoldenExample e) => e.ReviewerIds.Count > 0 ? e.ReviewerIds : [e.ReviewerId];

    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);
}
