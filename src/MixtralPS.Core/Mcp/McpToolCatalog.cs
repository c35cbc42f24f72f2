using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;
using McpTool = ModelContextProtocol.Protocol.Tool;

namespace MixtralPS.Core.Mcp;

/// <summary>An MCP tool as the model sees it (its chat name) and where it runs (its server and its own name).</summary>
public sealed record McpToolEntry(string ChatName, McpToolServer Server, McpTool Tool);

/// <summary>
/// The MCP servers of one chat and their tools, offered to the model as functions named
/// &lt;server&gt;__&lt;tool&gt;: the server part comes from the name the server gives itself, numbered when two
/// servers give the same one, so two servers' tools never clash.
/// </summary>
public sealed class McpToolCatalog : IAsyncDisposable
{
    private const int MaxPrefixLength = 24;

    private readonly List<McpToolServer> servers;
    private readonly Dictionary<string, McpToolEntry> byName = new(StringComparer.Ordinal);

    private McpToolCatalog(List<McpToolServer> servers)
    {
        this.servers = servers;
        var prefixes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var server in servers)
        {
            var prefix = Prefix(server.Name);
            for (var n = 2; !prefixes.Add(prefix); n++)
            {
                prefix = Prefix(server.Name) + n;
            }

            foreach (var tool in server.Tools)
            {
                var name = ChatName(prefix, tool.Name);
                for (var n = 2; byName.ContainsKey(name); n++)
                {
                    name = ChatName(prefix, tool.Name + n);
                }

                byName[name] = new McpToolEntry(name, server, tool);
            }
        }
    }

    public IReadOnlyList<McpToolServer> Servers => servers;

    public IReadOnlyDictionary<string, McpToolEntry> Tools => byName;

    /// <summary>Starts or reaches every server at once; if one fails, the others are stopped again.</summary>
    /// <exception cref="McpServerException">A server did not start; it is named.</exception>
    public static async Task<McpToolCatalog> ConnectAsync(
        IReadOnlyList<McpServerAddress> addresses, TimeSpan timeout, Action<string>? log, CancellationToken cancellationToken)
    {
        var connecting = addresses.Select(a => McpToolServer.ConnectAsync(a, timeout, log, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(connecting).ConfigureAwait(false);
        }
        catch
        {
            await Task.WhenAll(connecting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.DisposeAsync().AsTask())).ConfigureAwait(false);
            // The first that failed, in the order given: its own exception, not Task.WhenAll's pick.
            var failed = connecting.First(t => !t.IsCompletedSuccessfully);
            await failed.ConfigureAwait(false);
            throw;
        }

        return new McpToolCatalog(connecting.Select(t => t.Result).ToList());
    }

    /// <summary>The tools as the chat API describes functions.</summary>
    public IReadOnlyList<Models.Tool> Definitions() => byName.Values.Select(entry => new Models.Tool
    {
        Function = new FunctionDefinition
        {
            Name = entry.ChatName,
            Description = $"[MCP server {entry.Server.Name}] {entry.Tool.Description ?? entry.Tool.Title ?? entry.Tool.Name}",
            Parameters = Parameters(entry.Tool.InputSchema),
        },
    }).ToList();

    /// <summary>Runs a tool; a tool error (isError) is a failed outcome whose text the model reads.</summary>
    /// <exception cref="McpServerException">The tool's server has gone away.</exception>
    public async Task<ToolOutcome> CallAsync(McpToolEntry entry, string argumentsJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var result = await entry.Server.CallAsync(entry.Tool.Name, argumentsJson, cancellationToken).ConfigureAwait(false);
        var text = ResultText(result);
        return result.IsError == true ? ToolOutcome.Failure($"{entry.ChatName} failed: {text}") : ToolOutcome.Success(text);
    }

    /// <summary>What a result says, as text: text blocks as they are, other blocks named, structured content as JSON when there is nothing else.</summary>
    public static string ResultText(CallToolResult result)
    {
        var parts = result.Content.Select(block => block switch
        {
            TextContentBlock text => text.Text,
            ImageContentBlock image => $"[an image, {image.MimeType}]",
            AudioContentBlock audio => $"[audio, {audio.MimeType}]",
            EmbeddedResourceBlock { Resource: TextResourceContents resource } => resource.Text,
            EmbeddedResourceBlock embedded => $"[a resource, {embedded.Resource.Uri}]",
            ResourceLinkBlock link => $"[a resource link, {link.Uri}]",
            _ => $"[{block.Type} content]",
        }).ToList();
        if (parts.Count == 0 && result.StructuredContent is { } structured)
        {
            return structured.GetRawText();
        }

        return string.Join(Environment.NewLine, parts);
    }

    /// <summary>The server's own name, made fit for a function name: its last path part, in letters, digits, _ and -.</summary>
    private static string Prefix(string serverName)
    {
        var last = serverName.TrimEnd('/').Split('/').Last();
        var clean = Clean(last);
        clean = clean.Length > MaxPrefixLength ? clean[..MaxPrefixLength] : clean;
        return clean.Length == 0 ? "mcp" : clean;
    }

    private static string ChatName(string prefix, string tool)
    {
        var name = $"{prefix}__{Clean(tool)}";
        if (ToolNames.IsValid(name))
        {
            return name;
        }

        // Too long: cut, and keep it unique with a short hash of the whole.
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..6].ToLowerInvariant();
        return name[..(64 - 7)] + "-" + hash;
    }

    private static string Clean(string text) =>
        new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());

    /// <summary>The tool's input schema as function parameters, less "$schema" (the chat API describes no dialect).</summary>
    private static JsonElement Parameters(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("$schema", out _))
        {
            return schema.ValueKind == JsonValueKind.Object ? schema : JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();
        }

        var node = JsonNode.Parse(schema.GetRawText())!.AsObject();
        node.Remove("$schema");
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }

    /// <summary>Stops every server at once (each child gets a moment to exit, then its process tree is killed).</summary>
    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
}
