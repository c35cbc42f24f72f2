using System.Management.Automation;
using System.Text.Json;
using MixtralPS.Core.Chat;
using MixtralPS.Infrastructure;
using MixtralPS.Tools;

namespace MixtralPS.Commands;

/// <summary>The answer as it comes out: JSON answers parsed into Data (-ResponseFormat, -JsonSchema), -Each's Input, the log.</summary>
public sealed partial class InvokeMixtralChatCommand
{
    /// <summary>-JsonSchema as JSON; stops the command when it is not a JSON object.</summary>
    private JsonElement? ReadJsonSchema()
    {
        JsonElement? schema = null;
        if (JsonSchema is not null)
        {
            try
            {
                schema = PSJson.ToJsonElement(JsonSchema);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-JsonSchema is not a valid JSON schema: {ex.Message}", ex),
                    ErrorIdPrefix + "InvalidJsonSchema", ErrorCategory.InvalidArgument, JsonSchema));
            }

            if (schema?.ValueKind != JsonValueKind.Object)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-JsonSchema must be a JSON object (a hashtable or JSON text), such as @{ type = 'object'; properties = @{ name = @{ type = 'string' } } }."),
                    ErrorIdPrefix + "InvalidJsonSchema", ErrorCategory.InvalidArgument, JsonSchema));
            }
        }

        return schema;
    }

    /// <param name="input">With -Each, the piped item the answer is for (its Input property).</param>
    private void WriteResponse(ChatResponse response, object? input)
    {
        if (response.FinishReason == "length")
        {
            WriteWarning($"The answer was cut at the token limit ({response.Usage.CompletionTokens} tokens); raise -MaxTokens for a complete answer.");
        }

        if (!Stream && ShowThinking && response.Thinking is { Length: > 0 } thinking)
        {
            writer.ShowThinking(thinking);
        }

        var output = new PSObject(response);
        if (options.WantsJson)
        {
            if (response.Json is { } json)
            {
                output.Properties.Add(new PSNoteProperty("Data", PSJson.ToPSObject(json)));
            }
            else
            {
                WriteWarning("JSON output was asked for, but the answer is not valid JSON; it is in the Content property as text.");
            }
        }

        if (Each)
        {
            output.Properties.Add(new PSNoteProperty("Input", input));
        }

        if (response.ToolCalls.Count > 0)
        {
            WriteVerbose($"The model asks to run: {string.Join("; ", response.ToolCalls)}." +
                (InvokeTools == ToolInvocationMode.None ? " Add -InvokeTools Confirm or Auto to run them." : ""));
        }

        LogExchange(response, output);
        WriteObject(output);
    }
}
