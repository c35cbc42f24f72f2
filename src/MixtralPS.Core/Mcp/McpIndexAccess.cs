using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Mcp;

/// <summary>
/// Everything the MCP server reads from its index, in one place: a search, the list of sources and one source's
/// chunks. Each call rents a reader from the shared pool and gives it back, so concurrent tool calls each get
/// their own reader and a rebuilt index is seen on the next call.
/// </summary>
public sealed class McpIndexAccess
{
    private readonly Func<string, CancellationToken, Task<float[]>> embedQuery;

    /// <param name="folder">The index folder.</param>
    /// <param name="embedQuery">Embeds a question with the index's own model.</param>
    public McpIndexAccess(string folder, Func<string, CancellationToken, Task<float[]>> embedQuery)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(embedQuery);
        Folder = folder;
        this.embedQuery = embedQuery;
    }

    /// <summary>Where the index is, as the server names it in its answers and diagnostics.</summary>
    public string Folder { get; }

    /// <summary>The index's settings; opening it here also proves at start that it exists and can be read.</summary>
    public RagIndexSettings ReadSettings() => WithReader(reader => reader.Settings);

    /// <summary>The best chunks for a question. <paramref name="mode"/> null: hybrid where the index has keywords, else vector.</summary>
    /// <exception cref="RagIndexException">The index cannot answer (missing, or no keyword half for an explicit mode).</exception>
    public Task<IReadOnlyList<RagContextChunk>> SearchAsync(
        string query, int top, RetrievalMode? mode, IReadOnlyList<string>? sourcePatterns, CancellationToken cancellationToken)
    {
        var filter = SourcePattern.Filter(sourcePatterns);
        return WithReaderAsync(reader =>
        {
            var effective = mode ?? (reader.Settings.HasKeywordIndex ? RetrievalMode.Hybrid : RetrievalMode.Vector);
            var question = new RagQuery(query, null, top, effective, SourceFilter: filter);
            return reader.SearchAsync(question, ct => embedQuery(query, ct), cancellationToken);
        });
    }

    /// <summary>The indexed sources, in the index's order, with their chunk counts.</summary>
    public Task<IReadOnlyList<StoredDocument>> SourcesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(PreSeamDocuments.Documents(Folder));

    /// <summary>One source's chunks in document order; empty when the index has no such source.</summary>
    public Task<IReadOnlyList<RagContextChunk>> DocumentChunksAsync(string source, CancellationToken cancellationToken) =>
        Task.FromResult(PreSeamDocuments.Chunks(Folder, source));

    private T WithReader<T>(Func<RagIndexReader, T> read)
    {
        var reader = RagReaderPool.Shared.Rent(Folder);
        try
        {
            return read(reader);
        }
        finally
        {
            RagReaderPool.Shared.Return(Folder, reader);
        }
    }

    private async Task<T> WithReaderAsync<T>(Func<RagIndexReader, Task<T>> read)
    {
        var reader = RagReaderPool.Shared.Rent(Folder);
        try
        {
            return await read(reader).ConfigureAwait(false);
        }
        finally
        {
            RagReaderPool.Shared.Return(Folder, reader);
        }
    }
}
