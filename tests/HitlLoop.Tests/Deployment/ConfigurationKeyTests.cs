using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using HitlLoop.Feedback;
using HitlLoop.PatternLearner;
using HitlLoop.ReviewQueue;
using HitlLoop.Router;
using HitlLoop.ServiceDefaults;
using HitlLoop.Tests.Support;
using HitlLoop.TrainingOrchestrator;

namespace HitlLoop.Tests.Deployment;

/// <summary>
/// Every HitlLoop setting named by docker-compose, the Kubernetes manifests, the Tiltfile and the README's table
/// binds to a real option: a misspelt key would otherwise be ignored silently in production.
/// </summary>
public sealed partial class ConfigurationKeyTests
{
    private static readonly Dictionary<string, Type> Sections = new()
    {
        [HitlOptions.Section] = typeof(HitlOptions),
        [RouterOptions.Section] = typeof(RouterOptions),
        [ReviewQueueOptions.Section] = typeof(ReviewQueueOptions),
        ["Feedback"] = typeof(FeedbackOptions),
        ["PatternLearner"] = typeof(PatternLearnerOptions),
        ["TrainingOrchestrator"] = typeof(TrainingOrchestratorOptions),
    };

    private static readonly string Root = Repository.Root;

    private static IEnumerable<TestCaseData> DeploymentKeys()
    {
        var files = new[] { "docker-compose.yml", Path.Combine("tilt", "Tiltfile") }
            .Concat(Directory.GetFiles(Path.Combine(Root, "deploy", "k8s"), "*.yaml").Select(f => Path.GetRelativePath(Root, f)));
        return files
            .SelectMany(file => EnvironmentKey().Matches(File.ReadAllText(Path.Combine(Root, file))).Select(m => (file, key: m.Value)))
            .Distinct()
            .Select(k => new TestCaseData(k.key.Replace("__", ":", StringComparison.Ordinal)).SetName($"{k.file} sets {k.key}"));
    }

    private static IEnumerable<TestCaseData> ReadmeKeys() =>
        ReadmeKey().Matches(File.ReadAllText(Path.Combine(Root, "README.md")))
            .Select(m => m.Groups["key"].Value)
            .Distinct()
            .SelectMany(Expand)
            .Select(key => new TestCaseData(key).SetName($"README documents {key}"));

    [TestCaseSource(nameof(DeploymentKeys))]
    [TestCaseSource(nameof(ReadmeKeys))]
    public void The_key_binds_to_an_option(string key)
    {
        var segments = key.Split(':');

        Assert.That(Sections.TryGetValue(segments[0], out var type), Is.True, $"{segments[0]} is not an options section");
        Assert.That(Resolve(type!, segments[1..]), Is.Null, $"{key} does not bind");
    }

    [Test]
    public void The_deployment_files_name_the_settings_a_production_service_needs()
    {
        var keys = DeploymentKeys().Select(c => (string)c.Arguments[0]!).ToList();

        Assert.That(keys, Is.SupersetOf(new[] { "Hitl:Transport", "Hitl:RabbitMq:Uri", "Hitl:Store", "Hitl:MongoDb:ConnectionString" }));
    }

    /// <summary>Walks the key through the options type; returns what failed to bind, or null.</summary>
    private static string? Resolve(Type type, string[] path)
    {
        foreach (var segment in path)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                type = type.GetGenericArguments()[1];
                continue;
            }

            if (typeof(IList).IsAssignableFrom(type) && type.IsGenericType)
            {
                if (!int.TryParse(segment, out _))
                {
                    return $"{segment} is not a list index";
                }

                type = type.GetGenericArguments()[0];
                continue;
            }

            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return $"{type.Name} has no {segment}";
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return null;
    }

    /// <summary>The README writes "A:{B,C}" and "A:{n}:B" and "A:B / C"; each becomes plain keys.</summary>
    private static IEnumerable<string> Expand(string documented)
    {
        var key = documented.Replace("{n}", "0", StringComparison.Ordinal).Replace("{id}", "example", StringComparison.Ordinal);
        var braces = Regex.Match(key, @"\{(?<options>[^}]+)\}");
        return braces.Success
            ? braces.Groups["options"].Value.Split(',').Select(o => key.Replace(braces.Value, o.Trim(), StringComparison.Ordinal))
            : [key];
    }


    [GeneratedRegex(@"\b(Hitl|Router|ReviewQueue|Feedback|PatternLearner|TrainingOrchestrator)__[A-Za-z0-9_]+")]
    private static partial Regex EnvironmentKey();

    [GeneratedRegex(@"^\| `(?<key>(Hitl|Router|ReviewQueue|Feedback|PatternLearner|TrainingOrchestrator):[^`]+)`", RegexOptions.Multiline)]
    private static partial Regex ReadmeKey();
}
