using System.Collections.Concurrent;
using MixtralPS.Core.Client;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>
/// What the models of an endpoint are (the model list: context length, capabilities), asked once per endpoint and
/// remembered for the life of the process; asked only when a request needs to know.
/// </summary>
public static class ModelCards
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyDictionary<string, ModelCard>>>> Endpoints = new(StringComparer.OrdinalIgnoreCase);

    /// <returns>The model's card (by id or alias), or null when the endpoint does not list it (or its list cannot be had).</returns>
    public static async Task<ModelCard?> GetAsync(MistralClient client, string model, CancellationToken cancellationToken)
    {
        var key = client.ResolveUri("models").AbsoluteUri;
        var cards = Endpoints.GetOrAdd(key, k => new Lazy<Task<IReadOnlyDictionary<string, ModelCard>>>(() => FetchAsync(client, k)));
        IReadOnlyDictionary<string, ModelCard> known;
        try
        {
            known = await cards.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return known.TryGetValue(model, out var card) ? card : null;
    }

    /// <summary>Forgets what endpoints said (tests, or a server whose models changed).</summary>
    public static void Forget() => Endpoints.Clear();

    private static async Task<IReadOnlyDictionary<string, ModelCard>> FetchAsync(MistralClient client, string key)
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

        var cards = new Dictionary<string, ModelCard>(StringComparer.OrdinalIgnoreCase);
        foreach (var card in list.Data)
        {
            cards[card.Id] = card;
            foreach (var alias in card.Aliases ?? [])
            {
                cards.TryAdd(alias, card);
            }
        }

        return cards;
    }
}
