using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MixtralPS.Core.Client;
using MixtralPS.Core.Configuration;
using MixtralPS.Core.Models;

namespace MixtralPS.Completion;

/// <summary>
/// Completes -Model from the endpoint's chat models (asked once, cached for ten minutes per endpoint,
/// with a short time-out) and falls back on well-known names when the endpoint cannot be reached.
/// </summary>
public sealed class ChatModelCompleter : IArgumentCompleter
{
    private static readonly string[] WellKnown =
    [
        "mistral-small-latest", "mistral-medium-latest", "mistral-large-latest", "open-mistral-nemo",
        "codestral-latest", "ministral-8b-latest", "magistral-medium-latest", "open-mixtral-8x7b",
    ];

    private static readonly ModelListCache Cache = new();

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var endpoint = fakeBoundParameters["Endpoint"] as string ?? MixtralEnvironment.Endpoint;
        var names = Cache.Get(endpoint, m => m.Capabilities.CompletionChat && !m.IsRetired(DateTimeOffset.UtcNow)) ?? WellKnown;
        return names
            .Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}

/// <summary>Model lists per endpoint, fetched with the environment's key and kept for a while.</summary>
internal sealed class ModelListCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly Dictionary<string, (DateTime Fetched, List<ModelCard>? Models)> entries = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string>? Get(string endpoint, Func<ModelCard, bool> filter)
    {
        List<ModelCard>? models;
        lock (entries)
        {
            if (!entries.TryGetValue(endpoint, out var entry) || DateTime.UtcNow - entry.Fetched > Lifetime)
            {
                entry = (DateTime.UtcNow, Fetch(endpoint));
                entries[endpoint] = entry;
            }

            models = entry.Models;
        }

        return models?.Where(filter).Select(m => m.Id).ToList();
    }

    private static List<ModelCard>? Fetch(string endpoint)
    {
        try
        {
            var key = MixtralEnvironment.ApiKey;
            var client = new MistralClient(new MistralClientOptions
            {
                Endpoint = new Uri(endpoint),
                ApiKey = key is null ? null : new ApiKeyCredential(key),
                MaxRetries = 0,
                Timeout = TimeSpan.FromSeconds(3),
            });
            return client.ListModelsAsync().GetAwaiter().GetResult().Data;
        }
        catch (Exception ex) when (ex is MistralException or UriFormatException or ArgumentException)
        {
            return null;
        }
    }
}
