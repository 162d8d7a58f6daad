using System.Collections;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HitlLoop.ServiceDefaults;

public static class SectionOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to a configuration section and validates its data annotations, nested
    /// objects and list items included, when the host starts. A failure names the full key, e.g.
    /// "Router:DefaultConfidenceThreshold: The field ... must be between 0 and 1.".
    /// </summary>
    public static OptionsBuilder<T> AddSectionOptions<T>(this IHostApplicationBuilder builder, string section)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new AnnotatedSectionValidator<T>(section));
        return builder.Services.AddOptions<T>()
            .Bind(builder.Configuration.GetSection(section))
            .ValidateOnStart();
    }

    private sealed class AnnotatedSectionValidator<T>(string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = new List<string>();
            Collect(options, section, failures);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static void Collect(object target, string path, List<string> failures)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true);
            failures.AddRange(results.Select(r => r.MemberNames.Any()
                ? $"{path}:{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}"
                : $"{path}: {r.ErrorMessage}"));

            foreach (var property in target.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
            {
                var value = property.GetValue(target);
                var childPath = $"{path}:{property.Name}";
                switch (value)
                {
                    case string or null:
                        break;
                    case IDictionary dictionary:
                        foreach (DictionaryEntry entry in dictionary)
                        {
                            CollectNested(entry.Value, $"{childPath}:{entry.Key}", failures);
                        }

                        break;
                    case IList list:
                        for (var i = 0; i < list.Count; i++)
                        {
                            CollectNested(list[i], $"{childPath}:{i}", failures);
                        }

                        break;
                    default:
                        CollectNested(value, childPath, failures);
                        break;
                }
            }
        }

        private static void CollectNested(object? value, string path, List<string> failures)
        {
            if (value is not null && value.GetType().Namespace?.StartsWith("HitlLoop", StringComparison.Ordinal) == true && value.GetType().IsClass)
            {
                Collect(value, path, failures);
            }
        }
    }
}
