using Microsoft.Data.Sqlite;
using MixtralPS.Core.Chunking;
using MixtralPS.Core.Documents;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;

namespace MixtralPS.Core.Tests.Rag;

/// <summary>Documents read page by page are chunked page by page, and each stored chunk keeps its page.</summary>
public sealed class PageTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "mixtralps-pages-" + Guid.NewGuid().ToString("N"));

    public PageTests() => Directory.CreateDirectory(folder);

    private string Index => Path.Combine(folder, "docs.ragidx");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static RagIndexSettings Settings(int schemaVersion = RagIndexSettings.CurrentSchemaVersion) => new()
    {
        EmbeddingModel = "test-model",
        Dimensions = 2,
        MaxTokens = 256,
        Chunker = "Recursive",
        ChunkSize = 512,
        ChunkOverlap = 64,
        SchemaVersion = schemaVersion,
    };

    [Fact]
    public void Pages_are_chunked_apart_and_every_chunk_knows_its_page()
    {
        var first = string.Join(' ', Enumerable.Repeat("Otters float on their backs.", 6));
        var second = "Beavers build dams.";
        var text = first + "\n\n" + second;
        var document = new LoadedDocument("scan.pdf", text, DocumentFormats.Pdf, null)
        {
            Pages = [new DocumentPage(1, 0, first.Length), new DocumentPage(4, first.Length + 2, second.Length)],
        };
        var ingestor = new RagIngestor(null!, null!, new RecursiveChunker(60, 10));

        var chunks = ingestor.Split(document);

        Assert.True(chunks.Count > 2);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Chunk.Ordinal));
        foreach (var (chunk, page, _) in chunks)
        {
            Assert.Equal(chunk.Text, text.Substring(chunk.Start, chunk.Length));
            var span = document.Pages!.Single(p => p.Number == page);
            Assert.InRange(chunk.Start, span.Start, span.Start + span.Length - chunk.Length);
        }

        Assert.Equal(second, Assert.Single(chunks, c => c.Page == 4).Chunk.Text);
    }

    [Fact]
    public void A_document_without_pages_has_chunks_without_a_page()
    {
        var ingestor = new RagIngestor(null!, null!, new RecursiveChunker(60, 10));

        var chunks = ingestor.Split(new LoadedDocument("a.txt", "Plain text, no pages.", DocumentFormats.Text, "utf-8"));

        Assert.All(chunks, c => Assert.Null(c.Page));
    }

    [Fact]
    public async Task An_index_from_before_pages_still_opens_and_gains_them_when_updated()
    {
        using (var old = RagStores.OpenWriter(Index, Settings(schemaVersion: 2), rebuild: false, TimeSpan.FromSeconds(10), CancellationToken.None))
        {
            old.Write(new DocumentRecord("old.txt", "h1", 10, null, "text", "utf-8"), [new ChunkRecord(0, 0, 14, "lakes of Titan", 1, TestIndexes.Vector("lakes of Titan"))]);
            await old.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal("2", SchemaVersion());
        using (var reader = RagIndexReader.Open(Index))
        {
            var hit = Assert.Single(reader.Search(new RagQuery("Titan", null, 5, RetrievalMode.Keyword)));
            Assert.Null(hit.Page);
        }

        using (var writer = RagStores.OpenWriter(Index, Settings(), rebuild: false, TimeSpan.FromSeconds(10), CancellationToken.None))
        {
            Assert.True(writer.Settings.HasPages);
            writer.Write(new DocumentRecord("scan.pdf", "h2", 10, null, "pdf", null), [new ChunkRecord(0, 0, 15, "moons of Saturn", 1, TestIndexes.Vector("moons of Saturn"), Page: 2)]);
            await writer.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal("4", SchemaVersion());
        using (var reader = RagIndexReader.Open(Index))
        {
            Assert.Equal(2, Assert.Single(reader.Search(new RagQuery("Saturn", null, 5, RetrievalMode.Keyword))).Page);
            Assert.Null(Assert.Single(reader.Search(new RagQuery("Titan", null, 5, RetrievalMode.Keyword))).Page);
        }
    }

    [Fact]
    public void An_index_whose_version_was_lowered_but_has_the_column_opens_for_writing()
    {
        RagStores.OpenWriter(Index, Settings(), rebuild: false, TimeSpan.FromSeconds(10), CancellationToken.None).Dispose();
        Sql("UPDATE meta SET value = '2' WHERE key = 'schema_version'");

        using var writer = RagStores.OpenWriter(Index, Settings(), rebuild: false, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.True(writer.Settings.HasPages);
        Assert.Equal("4", SchemaVersion());
    }

    private string SchemaVersion() => (string)Sql("SELECT value FROM meta WHERE key = 'schema_version'")!;

    private object? Sql(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Index, "index.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
