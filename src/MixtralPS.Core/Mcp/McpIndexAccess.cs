using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;

namespace MixtralPS.Core.Mcp;

/// <summary>
/// Everything the MCP server reads from its index, in one place: a search, the list of sources and one source's
/// chunks. Each call rents a reader from the shared pool and gives it back, so concurrent tool calls each get
/// their own reader, a rebuilt index is seen on the next call, and the index may live in a folder or a database.
/// </summary>
public sealed class McpIndexAccess
{
    private readonly Func<string, CancellationToken, Task<float[]>> embedQuery;

    /// <param name="location">The index: a folder or a PostgreSQL database.</param>
    /// <param name="embedQuery">Embeds a question with the index's own model.</param>
    public McpIndexAccess(RagIndexLocation location, Func<string, CancellationToken, Task<float[]>> embedQuery)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(embedQuery);
        Location = location;
        this.embedQuery = embedQuery;
    }

    /// <summary>Where the index is; its Display never holds a password.</summary>
    public RagIndexLocation Location { get; }

    /// <summary>The index's settings; opening it here also proves at start that it exists and can be read.</summary>
    /// <exception cref="RagIndexException">There is no index there, or it cannot be read.</exception>
    public Task<RagIndexSettings> ReadSettingsAsync(CancellationToken cancellationToken) =>
        WithReaderAsync(reader => Task.FromResult(reader.Settings), cancellationToken);

    /// <summary>The best chunks for a question. <paramref name="mode"/> null: hybrid where the index has keywords, else vector.</summary>
    /// <exception cref="RagIndexException">The index cannot answer (gone, or no keyword half for an explicit mode).</exception>
    public Task<IReadOnlyList<RagContextChunk>> SearchAsync(
        string query, int top, RetrievalMode? mode, IReadOnlyList<string>? sourcePatterns, CancellationToken cancellationToken)
    {
        var filter = SourcePattern.Filter(sourcePatterns);
        return WithReaderAsync(reader =>
        {
            var effective = mode ?? (reader.Settings.HasKeywordIndex ? RetrievalMode.Hybrid : RetrievalMode.Vector);
            var question = new RagQuery(query, null, top, effective, SourceFilter: filter);
            return reader.SearchAsync(question, ct => embedQuery(query, ct), cancellationToken);
        }, cancellationToken);
    }

    /// <summary>The indexed sources, by source, with their chunk counts.</summary>
    public Task<IReadOnlyList<StoredDocument>> SourcesAsync(CancellationToken cancellationToken) =>
        WithReaderAsync(reader => reader.DocumentsAsync(cancellationToken), cancellationToken);

    /// <summary>One source's chunks in document order; empty when the index has no such source.</summary>
    public Task<IReadOnlyList<RagContextChunk>> DocumentChunksAsync(string source, CancellationToken cancellationToken) =>
        WithReaderAsync(reader => reader.DocumentChunksAsync(source, cancellationToken), cancellationToken);

    private async Task<T> WithReaderAsync<T>(Func<RagIndexReader, Task<T>> read, CancellationToken cancellationToken)
    {
        var reader = await RagReaderPool.Shared.RentAsync(Location, cancellationToken).ConfigureAwait(false);
        try
        {
            return await read(reader).ConfigureAwait(false);
        }
        finally
        {
            RagReaderPool.Shared.Return(reader);
        }
    }
}
