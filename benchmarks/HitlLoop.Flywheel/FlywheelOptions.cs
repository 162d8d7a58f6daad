using System.Text.Json;

namespace HitlLoop.Flywheel;

/// <summary>The simulated world and how long it runs: read from a config file (flywheel.json by default).</summary>
public sealed class FlywheelOptions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public static async Task<FlywheelOptions> LoadAsync(string path) =>
        JsonSerializer.Deserialize<FlywheelOptions>(await File.ReadAllTextAsync(path), Json)
        ?? throw new InvalidOperationException($"{path} holds no settings.");

    public int Seed { get; set; } = 7;
    public int Days { get; set; } = 56;

    /// <summary>Steps a simulated day is played in: responses, reviews and reactions of each step, then the clock moves on.</summary>
    public int StepsPerDay { get; set; } = 8;

    public BotOptions Bot { get; set; } = new();
    public ReviewerOptions Reviewers { get; set; } = new();
    public UserOptions Users { get; set; } = new();
    public RetrainOptions Retraining { get; set; } = new();

    /// <summary>Settings passed to the services as they are (e.g. "Router:Calibration:MinReviews").</summary>
    public Dictionary<string, string> Services { get; set; } = [];

    public List<MistakeKind> Catalogue { get; set; } = [];
}

public sealed class BotOptions
{
    /// <summary>Responses a day, over every product.</summary>
    public int ResponsesPerDay { get; set; } = 240;

    /// <summary>
    /// When guidance fits with a correction made on the same question, the chance the bot then answers right despite
    /// its mistake; <see cref="LooseGuidanceHelps"/> when the fitting corrections were made on other wordings.
    /// </summary>
    public double GuidanceHelps { get; set; } = 0.9;

    public double LooseGuidanceHelps { get; set; } = 0.6;

    /// <summary>Confidence of a right answer is drawn from this range, of a wrong one from <see cref="WrongConfidence"/>.</summary>
    public double[] RightConfidence { get; set; } = [0.82, 0.99];
    public double[] WrongConfidence { get; set; } = [0.45, 0.88];

    /// <summary>Corrections the bot asks guidance for, before answering.</summary>
    public int GuidanceLimit { get; set; } = 3;
}

public sealed class ReviewerOptions
{
    public int Count { get; set; } = 4;

    /// <summary>Each reviewer's chance of a right verdict (a wrong answer corrected, a right one approved).</summary>
    public double Accuracy { get; set; } = 0.95;

    /// <summary>Spread of accuracy between reviewers: reviewer i has Accuracy - Spread * i / Count.</summary>
    public double AccuracySpread { get; set; } = 0.05;

    /// <summary>Seconds a review takes, drawn from this range.</summary>
    public double[] Seconds { get; set; } = [40, 150];
}

public sealed class UserOptions
{
    /// <summary>Share of responses an end user reacts to, and how often a reaction is a thumbs-down.</summary>
    public double ReactionRate { get; set; } = 0.3;
    public double DownWhenWrong { get; set; } = 0.75;
    public double DownWhenRight { get; set; } = 0.08;
}

public sealed class RetrainOptions
{
    /// <summary>Simulated days between a retrain request and the new model.</summary>
    public int TrainingDays { get; set; } = 2;

    /// <summary>What retraining leaves of a mistake the dataset covers: its rate is multiplied by this.</summary>
    public double MistakeLeft { get; set; } = 0.3;

    /// <summary>Examples of a mistake kind a dataset must hold for a retrain to learn it.</summary>
    public int MinExamples { get; set; } = 3;
}

/// <summary>
/// A family of questions the bot is asked, how often, how often it gets them wrong, and what wrong and right look
/// like. <see cref="Signature"/> is the words a right answer holds: guidance fits a query when a correction it returns
/// holds them too (a text check, never an id).
/// </summary>
public sealed class MistakeKind
{
    public string Id { get; set; } = "";
    public string Product { get; set; } = "";
    public string Category { get; set; } = "";

    /// <summary>tone, verbose, missing_detail, wrong_claim, novel or none (a question the bot gets right).</summary>
    public string Kind { get; set; } = "none";

    public double Weight { get; set; } = 1;
    public double MistakeRate { get; set; }

    /// <summary>The first simulated day the question is asked: a new kind of question arrives mid-run.</summary>
    public int FromDay { get; set; } = 1;

    public List<string> Queries { get; set; } = [];
    public string Wrong { get; set; } = "";
    public List<string> Right { get; set; } = [];
    public string Signature { get; set; } = "";
}
