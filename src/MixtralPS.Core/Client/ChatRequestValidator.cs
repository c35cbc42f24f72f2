using MixtralPS.Core.Models;

namespace MixtralPS.Core.Client;

/// <summary>Refuses, before any request, values the API's schema would reject.</summary>
internal static class ChatRequestValidator
{
    public static void Validate(ChatCompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw new ArgumentException("A chat request needs a model name.", nameof(request));
        }

        if (request.Messages.Count == 0)
        {
            throw new ArgumentException("A chat request needs at least one message.", nameof(request));
        }

        Range(request.Temperature, 0, 1.5, "Temperature", "0 to 1.5");
        if (request.TopP is { } topP && (topP <= 0 || topP > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(request), topP, "TopP must be greater than 0 and at most 1.");
        }

        if (request.MaxTokens is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MaxTokens, "MaxTokens cannot be negative.");
        }

        if (request.RandomSeed is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.RandomSeed, "RandomSeed cannot be negative.");
        }

        Range(request.PresencePenalty, -2, 2, "PresencePenalty", "-2 to 2");
        Range(request.FrequencyPenalty, -2, 2, "FrequencyPenalty", "-2 to 2");
        if (request.ResponseFormat is { Type: ResponseFormat.JsonSchemaType, JsonSchema: null })
        {
            throw new ArgumentException("A json_schema response format needs a schema.", nameof(request));
        }
    }

    private static void Range(double? value, double min, double max, string name, string range)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
        {
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be in the range {range}.");
        }
    }
}
