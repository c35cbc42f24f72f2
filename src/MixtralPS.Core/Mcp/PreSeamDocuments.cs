using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Mcp;

/// <summary>
/// Stop-gap until the reader lists documents itself (the store seam): reads the sources and one source's chunks
/// from the index's database, read-only.
/// </summary>
internal static class PreSeamDocuments
{
    public static IReadOnlyList<StoredDocument> Documents(string folder)
    {
        using var db = RagDatabase.Open(new RagIndexPaths(folder).Database, readOnly: true);
        return db.Documents();
    }

    public static IReadOnlyList<RagContextChunk> Chunks(string folder, string source)
    {
        using var db = RagDatabase.Open(new RagIndexPaths(folder).Database, readOnly: true);
        if (db.FindDocument(source) is not { } document)
        {
            return [];
        }

        var chunks = db.Chunks(db.ChunkIds(document.Id));
        return chunks.OrderBy(c => c.Value.Ordinal).Select((c, i) => new RagContextChunk
        {
            Rank = i + 1,
            Score = 0,
            Text = c.Value.Text,
            Source = c.Value.Source,
            Start = c.Value.Start,
            Length = c.Value.Length,
            Ordinal = c.Value.Ordinal,
            Page = c.Value.Page,
            ChunkId = c.Key,
            Query = "",
            IndexPath = folder,
        }).ToList();
    }
}
