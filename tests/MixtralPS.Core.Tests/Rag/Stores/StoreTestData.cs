using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;

namespace MixtralPS.Core.Tests.Rag.Stores;

/// <summary>Documents, vectors and settings the store tests write: small enough to reason about each expected result.</summary>
public abstract class StoreTestData
{
    protected static readonly float[] North = [1, 0, 0];
    protected static readonly float[] East = [0, 1, 0];
    protected static readonly float[] Up = [0, 0, 1];

    /// <summary>A Source with quotes, a semicolon, SQL and non-ASCII: it must come back exactly as written.</summary>
    protected const string HostileSource = "x'; DROP TABLE documents; -- \"quoted\" \\ ünïcode ✓ %_";

    protected static RagIndexSettings Settings(string model = "test-model", int dimensions = 3, KeywordStemming stemming = KeywordStemming.Porter) => new()
    {
        EmbeddingModel = model,
        Dimensions = dimensions,
        MaxTokens = 256,
        Chunker = "Recursive",
        ChunkSize = 512,
        ChunkOverlap = 64,
        Stemming = stemming,
    };

    protected static Task<IRagStoreWriter> OpenWriterAsync(RagIndexLocation location, RagIndexSettings? settings = null, bool rebuild = false) =>
        RagStores.OpenWriterAsync(location, settings ?? Settings(), rebuild, TimeSpan.FromSeconds(20), CancellationToken.None);

    protected static DocumentWrite Document(string source, string hash, params (string Text, float[] Vector, int? Page)[] chunks)
    {
        var records = new List<ChunkRecord>();
        var start = 0;
        foreach (var (text, vector, page) in chunks)
        {
            records.Add(new ChunkRecord(records.Count, start, text.Length, text, text.Length / 4 + 2, Normalise(vector), page));
            start += text.Length + 1;
        }

        return new DocumentWrite(new DocumentRecord(source, hash, start, null, "text", "utf-8"), records);
    }

    private static float[] Normalise(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    /// <summary>Three documents: two chunks about Saturn's moon Titan, one page of a PDF about Europa, one hostile source.</summary>
    protected static async Task<RagIndexLocation> SolarSystemAsync(RagIndexLocation location)
    {
        using var writer = await OpenWriterAsync(location);
        Assert.True(writer.Created);
        await writer.WriteAsync(
        [
            Document("alpha.txt", "h-alpha", ("Titan has lakes of liquid methane.", North, null), ("Saturn's rings are made of ice.", [0.8f, 0.6f, 0], null)),
            Document("beta.pdf", "h-beta", ("Europa hides an ocean under its ice.", East, 2)),
        ], CancellationToken.None);
        await writer.WriteAsync([Document(HostileSource, "h-hostile", ("A zebra crossing in the hostile source.", Up, null))], CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        return location;
    }
}
