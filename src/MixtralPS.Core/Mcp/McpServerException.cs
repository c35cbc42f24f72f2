namespace MixtralPS.Core.Mcp;

/// <summary>An MCP server of a chat that could not be started or reached, or that went away mid-chat; the message names it.</summary>
public sealed class McpServerException(string server, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The server as the user gave it (its command line or URL).</summary>
    public string Server { get; } = server;
}
