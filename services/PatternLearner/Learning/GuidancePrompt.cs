using System.Text;
using HitlLoop.Contracts.Guidance;

namespace HitlLoop.PatternLearner.Learning;

/// <summary>
/// Writes guidance as a block a chat product pastes into its system prompt: the rules to follow, then the corrected
/// examples to imitate. Texts are cut so that a megabyte correction cannot flood a prompt.
/// </summary>
public static class GuidancePrompt
{
    public const int MaxTextChars = 800;

    public static string Of(string productId, string? category, IReadOnlyList<GuidanceRule> rules, IReadOnlyList<GuidanceCorrection> corrections)
    {
        if (rules.Count == 0 && corrections.Count == 0)
        {
            return "";
        }

        var prompt = new StringBuilder()
            .Append("Lessons from human review of earlier answers (").Append(productId)
            .Append(category is null ? "" : ", " + category).AppendLine("). Follow them.");
        if (rules.Count > 0)
        {
            prompt.AppendLine().AppendLine("Rules:");
            foreach (var (rule, i) in rules.Select((r, i) => (r, i + 1)))
            {
                prompt.Append(i).Append(". When ").Append(rule.Rule.When)
                    .Append(", instead of ").Append(rule.Rule.InsteadOf)
                    .Append(": ").Append(rule.Rule.Do)
                    .Append(". (Why: ").Append(rule.Rule.Reason).AppendLine(".)");
            }
        }

        if (corrections.Count > 0)
        {
            prompt.AppendLine().AppendLine("Corrected answers to similar questions:");
            foreach (var (correction, i) in corrections.Select((c, i) => (c, i + 1)))
            {
                prompt.AppendLine().Append("Example ").Append(i).AppendLine()
                    .Append("User: ").AppendLine(Cut(correction.Query))
                    .Append("Wrong answer: ").AppendLine(Cut(correction.OriginalText))
                    .Append("Answer as a reviewer corrected it: ").AppendLine(Cut(correction.CorrectedText));
            }
        }

        return prompt.ToString();
    }

    private static string Cut(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > MaxTextChars ? line[..MaxTextChars] + "…" : line;
    }
}
