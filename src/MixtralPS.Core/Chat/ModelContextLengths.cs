using System.Collections.Concurrent;
using MixtralPS.Core.Client;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>
/// How many tokens each model of an endpoint takes (the model list's max_context_length), asked once per endpoint
/// and remembered for the life of the process.
/// </summary>
public static class ModelContextLengths
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyDictionary<string, int>>>> Endpoints = new(StringComparer.OrdinalIgnoreCase);

    /// <returns>The model's context length, or null when the endpoint does not say (or its list cannot be had).</returns>
    public static async Task<int?> GetAsync(MistralClient client, string model, CancellationToken cancellationToken)
    {
        var key = client.ResolveUri("models").AbsoluteUri;
        var lengths = Endpoints.GetOrAdd(key, k => new Lazy<Task<IReadOnlyDictionary<string, int>>>(() => FetchAsync(client, k)));
        IReadOnlyDictionary<string, int> known;
        try
        {
            known = await lengths.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return known.TryGetValue(model, out var length) ? length : null;
    }

    /// <summary>Forgets what endpoints said (tests, or a server whose models changed).</summary>
    public static void Forget() => Endpoints.Clear();

    private static async Task<IReadOnlyDictionary<string, int>> FetchAsync(MistralClient client, string key)
    {
        ModelList list;
        try
        {
            // Not tied to one caller's cancellation: the answer is shared by every later request.
            list = await client.ListModelsAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A failure is not remembered: the next request may find the endpoint willing.
            Endpoints.TryRemove(key, out _);
            throw;
        }

        var lengths = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var card in list.Data.Where(c => c.MaxContextLength is > 0))
        {
            lengths[card.Id] = card.MaxContextLength!.Value;
            foreach (var alias in card.Aliases ?? [])
            {
                lengths.TryAdd(alias, card.MaxContextLength.Value);
            }
        }

        return lengths;
    }
}
