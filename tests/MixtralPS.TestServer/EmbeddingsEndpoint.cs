using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>POST /v1/embeddings: a deterministic unit vector per input (same text, same vector), in input order.</summary>
internal static class EmbeddingsEndpoint
{
    public static async Task HandleAsync(HttpContext ctx, JsonObject request, ScriptedReply? reply)
    {
        var requested = request["model"]?.GetValue<string>() ?? "";
        if (!ModelCatalog.EmbeddingDimensions.TryGetValue(requested, out var dimensions))
        {
            await Json.WriteAsync(ctx, 400, Json.MistralError($"Invalid model: {requested}", "invalid_model", "1500"));
            return;
        }
        // The spec lets callers ask for a smaller/larger vector.
        if (request["output_dimension"] is JsonValue d && d.TryGetValue<int>(out var asked)) dimensions = asked;
        var base64 = request["encoding_format"]?.GetValue<string>() == "base64";

        var inputs = request["input"] switch
        {
            JsonArray list => list.Select(i => i?.GetValue<string>() ?? "").ToList(),
            var single => [single?.GetValue<string>() ?? ""],
        };
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Vector(inputs[i], dimensions);
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["embedding"] = base64 ? Base64(vector) : new JsonArray(vector.Select(v => (JsonNode)v).ToArray()),
                ["index"] = i,
            });
        }
        var prompt = reply?.Usage?.PromptTokens ?? inputs.Sum(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
        await Json.WriteAsync(ctx, reply?.Status ?? 200, new JsonObject
        {
            ["id"] = "embd-" + Guid.NewGuid().ToString("N"),
            ["object"] = "list",
            ["data"] = data,
            ["model"] = reply?.Model ?? requested,
            ["usage"] = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = 0, ["total_tokens"] = prompt },
        });
    }

    /// <summary>Pseudo-random components seeded by SHA-256 of the text, then L2-normalised.</summary>
    public static float[] Vector(string text, int dimensions)
    {
        var seed = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var values = new double[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            // splitmix64: cheap, deterministic on every platform.
            var z = seed += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            values[i] = (z >> 11) * (1.0 / (1UL << 53)) * 2 - 1;
        }
        var norm = Math.Sqrt(values.Sum(v => v * v));
        return values.Select(v => (float)(v / norm)).ToArray();
    }

    private static string Base64(float[] vector)
    {
        var bytes = new byte[vector.Length * 4];
        Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length); // little-endian float32, as base64 embeddings are
        return Convert.ToBase64String(bytes);
    }
}
