using System.Text.Json;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.CommandRequests;

/// <summary>What the model is told: the system prompt, the request, the JSON form of the answer, and the retry.</summary>
public static class CommandPrompt
{
    /// <summary>The answer's form, sent as a strict JSON schema.</summary>
    public static JsonElement AnswerSchema { get; } = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "command": { "type": "string", "description": "One PowerShell command line or pipeline." },
            "explanation": { "type": "string", "description": "What the command does and what it changes, in one or two sentences." }
          },
          "required": ["command", "explanation"],
          "additionalProperties": false
        }
        """).RootElement.Clone();

    public const string AnswerSchemaName = "powershell_command";

    public static string SystemPrompt(CommandContext context) =>
        $"You turn a request into one PowerShell command for this computer: {context.Platform} ({context.OperatingSystem}), " +
        $"PowerShell {context.PowerShellVersion}. Answer only with a JSON object {{\"command\": \"...\", \"explanation\": \"...\"}}. " +
        "The command is a single command line or pipeline that does what is asked, with cmdlets and programs that exist on " +
        $"{context.Platform}, full cmdlet names rather than aliases, and no Markdown. Change nothing the request does not ask to change. " +
        "The explanation says in one or two sentences what the command does and what, if anything, it changes.";

    /// <summary>The options of a command request: the model, and the answer as JSON of <see cref="AnswerSchema"/>.</summary>
    public static ChatOptions Options(string model) => new()
    {
        Model = model,
        JsonSchema = AnswerSchema,
        JsonSchemaName = AnswerSchemaName,
    };

    public static List<ChatMessage> Messages(CommandContext context, string request) =>
        ChatService.BuildMessages(null, SystemPrompt(context), request);

    /// <summary>The second try, after a command PowerShell could not parse.</summary>
    public static string ParseFailed(string command, string parseError) =>
        $"PowerShell cannot parse that command ({command}): {parseError} Answer again with a corrected command, in the same JSON form.";

    /// <summary>The second try, after an answer without a readable command.</summary>
    public const string NoCommand =
        "Your answer held no command I could read. Answer only with the JSON object {\"command\": \"...\", \"explanation\": \"...\"}.";
}
