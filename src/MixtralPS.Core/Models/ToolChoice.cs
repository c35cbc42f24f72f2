using System.Text.Json.Serialization;

namespace MixtralPS.Core.Models;

/// <summary>The API's ToolChoice: forces a call of the one function it names.</summary>
public sealed class ToolChoice
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "function";

    [JsonPropertyName("function")]
    public FunctionName Function { get; set; } = new();
}

/// <summary>The API's FunctionName.</summary>
public sealed class FunctionName
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";
}
