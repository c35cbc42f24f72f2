using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using MixtralPS.Core.Tools;

namespace MixtralPS.Tools;

/// <summary>
/// Runs the commands behind the tools, on the pipeline thread: asks consent (ShouldProcess, and in Confirm
/// mode ShouldContinue), then calls the very command object given in -Tool, each argument bound by
/// PowerShell's parameter binding as a named parameter. Nothing the model sends is ever run as script text.
/// </summary>
internal sealed class PowerShellToolExecutor : IToolExecutor
{
    /// <summary>How deep results are turned into JSON; deeper objects become their text, as with ConvertTo-Json.</summary>
    public const int ResultDepth = 4;

    private readonly PSCmdlet cmdlet;
    private readonly IReadOnlyDictionary<string, CommandTool> tools;
    private readonly ToolConsent consent;
    private readonly PipelineThreadDispatcher dispatcher;

    public PowerShellToolExecutor(PSCmdlet cmdlet, IReadOnlyDictionary<string, CommandTool> tools, ToolConsent consent, PipelineThreadDispatcher dispatcher)
    {
        this.cmdlet = cmdlet;
        this.tools = tools;
        this.consent = consent;
        this.dispatcher = dispatcher;
    }

    public Task<ToolOutcome> ExecuteAsync(ToolCallRequest call, CancellationToken cancellationToken) =>
        dispatcher.InvokeAsync(
            () =>
            {
                try
                {
                    return Execute(call);
                }
                catch (PipelineStoppedException ex)
                {
                    // Ctrl+C can reach a tool or a prompt before the cmdlet's stop token: a stop, never a tool failure.
                    throw new OperationCanceledException("The pipeline was stopped while a tool ran.", ex);
                }
            },
            cancellationToken);

    private ToolOutcome Execute(ToolCallRequest call)
    {
        if (!tools.TryGetValue(call.Name, out var tool) || tool.Command is null)
        {
            return ToolOutcome.Failure($"The tool '{call.Name}' is described but has no command to run it here; answer without it.");
        }

        var arguments = new List<(string Name, object? Value)>();
        foreach (DictionaryEntry entry in call.Arguments)
        {
            var key = entry.Key.ToString() ?? "";
            if (!tool.Parameters.TryGetValue(key, out var parameter))
            {
                return ToolOutcome.Failure(
                    $"{call.Name} has no parameter '{key}'. Its parameters are: {string.Join(", ", tool.Parameters.Keys)}.");
            }

            arguments.Add((parameter.Name, entry.Value));
        }

        var display = tool.Command.Name + string.Concat(arguments.Select(a => $" -{a.Name} {JsonArguments.Display(a.Value)}"));
        if (consent.Ask(call.Name, display) is { } refusal)
        {
            return refusal;
        }

        return Run(call.Name, tool.Command, arguments);
    }

    private ToolOutcome Run(string name, CommandInfo command, List<(string Name, object? Value)> arguments)
    {
        Collection<PSObject> output;
        List<string> errors;
        using (var shell = PowerShell.Create(RunspaceMode.CurrentRunspace))
        {
            shell.AddCommand(command);
            foreach (var (parameter, value) in arguments)
            {
                shell.AddParameter(parameter, value);
            }

            try
            {
                output = shell.Invoke();
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex) when (ex is RuntimeException or ArgumentException or InvalidOperationException)
            {
                // A binding error or the tool's own exception goes back to the model; the loop warns the user.
                return ToolOutcome.Failure($"{name} failed: {Unwrap(ex).Message}");
            }

            foreach (var warning in shell.Streams.Warning)
            {
                cmdlet.WriteWarning($"{name}: {warning.Message}");
            }

            errors = shell.Streams.Error.Select(e => e.ToString()).ToList();
        }

        if (errors.Count > 0 && output.Count == 0)
        {
            return ToolOutcome.Failure($"{name} failed: {string.Join(" ", errors)}");
        }

        var result = ToJson(output);
        return ToolOutcome.Success(errors.Count == 0 ? result : WithErrors(result, errors));
    }

    /// <summary>Output and the errors written beside it: {"output": ..., "errors": [...]}.</summary>
    private static string WithErrors(string result, List<string> errors)
    {
        var node = new JsonObject
        {
            ["output"] = TryParse(result) ?? JsonValue.Create(result),
            ["errors"] = new JsonArray(errors.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()),
        };
        return node.ToJsonString();
    }

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The output as JSON, with PowerShell's own ConvertTo-Json (module-qualified, so no lookalike runs).</summary>
    private static string ToJson(Collection<PSObject> output)
    {
        if (output.Count == 0)
        {
            return "null";
        }

        object value = output.Count == 1 ? output[0] : output.ToArray();
        try
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand(@"Microsoft.PowerShell.Utility\ConvertTo-Json")
                .AddParameter("InputObject", value)
                .AddParameter("Depth", ResultDepth)
                .AddParameter("Compress")
                .AddParameter("EnumsAsStrings")
                .AddParameter("WarningAction", ActionPreference.SilentlyContinue);
            return shell.Invoke().FirstOrDefault()?.BaseObject as string ?? "null";
        }
        catch (RuntimeException)
        {
            return string.Join(Environment.NewLine, output.Select(o => o?.ToString()));
        }
    }

    private static Exception Unwrap(Exception ex) =>
        ex is CmdletInvocationException { InnerException: { } inner } ? inner : ex;
}
