using System.Text.Json;
using ModelContextProtocol.Protocol;
using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Mcp;

/// <summary>
/// The server's three read-only tools over one index: search, get_document and list_sources. Each call's
/// arguments are read against the tool's input schema; a bad call or an index that cannot answer is a tool
/// error (isError) the client shows the model, never a protocol error or a crash.
/// </summary>
public sealed class McpIndexTools(McpIndexAccess index)
{
    public const string Search = "search";
    public const string GetDocument = "get_document";
    public const string ListSources = "list_sources";

    /// <summary>The most chunks one search returns (Find-RagContext's -Top goes to 1000; a tool answer should stay readable).</summary>
    public const int MaxTop = 100;

    private static readonly string[] Modes = ["hybrid", "vector", "keyword"];

    public static IList<Tool> Definitions { get; } =
    [
        Define(Search, "Search the index",
            "Finds the chunks of the indexed documents that best answer a question: by meaning, by keywords (BM25), or both fused (hybrid, the default). Returns each chunk's source, score and text, best first.",
            $$$"""
            {"type":"object","properties":{
              "query":{"type":"string","minLength":1,"description":"The question or keywords to search for."},
              "top":{"type":"integer","minimum":1,"maximum":{{{MaxTop}}},"default":4,"description":"How many chunks to return."},
              "mode":{"type":"string","enum":["hybrid","vector","keyword"],"description":"hybrid (default where the index has keywords): meaning and keywords fused; vector: by meaning; keyword: BM25 on words."},
              "source":{"anyOf":[{"type":"string"},{"type":"array","items":{"type":"string"}}],"description":"Only chunks whose source matches one of these wildcard patterns (* and ?), such as *.md."}},
             "required":["query"],"additionalProperties":false}
            """,
            McpToolResults.SearchOutputSchema),
        Define(GetDocument, "Get a document",
            "Returns one indexed source: its text put back together from its chunks (format text, the default), or its chunks in order with their offsets (format chunks).",
            """
            {"type":"object","properties":{
              "source":{"type":"string","minLength":1,"description":"The source as search or list_sources names it."},
              "format":{"type":"string","enum":["text","chunks"],"default":"text","description":"text: the document's text; chunks: its chunks with their offsets."}},
             "required":["source"],"additionalProperties":false}
            """,
            null),
        Define(ListSources, "List the sources",
            "Lists the indexed sources (files and pages) with their chunk counts, in name order, a page at a time.",
            """
            {"type":"object","properties":{
              "filter":{"type":"string","description":"Only sources matching this wildcard pattern (* and ?), such as docs/*.md."},
              "offset":{"type":"integer","minimum":0,"default":0,"description":"How many matching sources to skip (the nextOffset of the previous page)."},
              "limit":{"type":"integer","minimum":1,"maximum":1000,"default":100,"description":"How many sources to return."}},
             "additionalProperties":false}
            """,
            null),
    ];

    /// <summary>Answers one tools/call: the tool's result, or a tool error saying what was wrong.</summary>
    public async Task<CallToolResult> CallAsync(CallToolRequestParams call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return call.Name switch
            {
                Search => await SearchAsync(new McpToolArguments(Search, call.Arguments, "query", "top", "mode", "source"), cancellationToken).ConfigureAwait(false),
                GetDocument => await GetDocumentAsync(new McpToolArguments(GetDocument, call.Arguments, "source", "format"), cancellationToken).ConfigureAwait(false),
                ListSources => await ListSourcesAsync(new McpToolArguments(ListSources, call.Arguments, "filter", "offset", "limit"), cancellationToken).ConfigureAwait(false),
                _ => McpToolResults.Error($"There is no tool '{call.Name}'; the tools are {Search}, {GetDocument} and {ListSources}."),
            };
        }
        catch (McpArgumentException ex)
        {
            return McpToolResults.Error(ex.Message);
        }
        catch (RagIndexException ex)
        {
            return McpToolResults.Error(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // An embedding service that fails, a locked file: the caller learns why, the server goes on.
            return McpToolResults.Error($"{call.Name} failed: {ex.Message}");
        }
    }

    private async Task<CallToolResult> SearchAsync(McpToolArguments arguments, CancellationToken cancellationToken)
    {
        var query = arguments.RequiredString("query");
        var top = arguments.Integer("top", 4, 1, MaxTop);
        var mode = arguments.Choice("mode", Modes) is { } name ? Enum.Parse<RetrievalMode>(name, ignoreCase: true) : (RetrievalMode?)null;
        var sources = arguments.Strings("source");
        var chunks = await index.SearchAsync(query, top, mode, sources, cancellationToken).ConfigureAwait(false);
        return McpToolResults.SearchResult(query, chunks);
    }

    private async Task<CallToolResult> GetDocumentAsync(McpToolArguments arguments, CancellationToken cancellationToken)
    {
        var source = arguments.RequiredString("source");
        var asChunks = arguments.Choice("format", "text", "chunks") == "chunks";
        var chunks = await index.DocumentChunksAsync(source, cancellationToken).ConfigureAwait(false);
        if (chunks.Count == 0)
        {
            return McpToolResults.Error($"The index has no source '{source}'; list_sources lists the sources it has.");
        }

        return asChunks ? McpToolResults.DocumentChunks(source, chunks) : McpToolResults.DocumentText(source, chunks);
    }

    private async Task<CallToolResult> ListSourcesAsync(McpToolArguments arguments, CancellationToken cancellationToken)
    {
        var filter = SourcePattern.Filter(arguments.OptionalString("filter") is { } pattern ? [pattern] : null);
        var offset = arguments.Integer("offset", 0, 0, int.MaxValue);
        var limit = arguments.Integer("limit", 100, 1, 1000);
        var documents = await index.SourcesAsync(cancellationToken).ConfigureAwait(false);
        var matching = filter is null ? documents : documents.Where(d => filter(d.Source)).ToList();
        return McpToolResults.SourceList(matching, offset, limit);
    }

    private static Tool Define(string name, string title, string description, string inputSchema, string? outputSchema)
    {
        using var input = JsonDocument.Parse(inputSchema);
        using var output = outputSchema is null ? null : JsonDocument.Parse(outputSchema);
        return new Tool
        {
            Name = name,
            Title = title,
            Description = description,
            InputSchema = input.RootElement.Clone(),
            OutputSchema = output?.RootElement.Clone(),
            // Reading an index changes nothing and reaches nothing outside it.
            Annotations = new ToolAnnotations { Title = title, ReadOnlyHint = true, DestructiveHint = false, IdempotentHint = true, OpenWorldHint = false },
        };
    }
}
