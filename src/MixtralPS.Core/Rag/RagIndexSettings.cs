using System.Globalization;

namespace MixtralPS.Core.Rag;

/// <summary>
/// What an index was built with. Stored in the database so that queries embed with the same model
/// and updates chunk the same way; a mismatch is an error, never a silent mix of vector spaces.
/// </summary>
public sealed record RagIndexSettings
{
    public const string FormatName = "MixtralPS.RagIndex";
    /// <summary>
    /// 1: vectors only; 2: with the keyword (FTS5) index; 3: chunks know their page; 4: the keyword index holds the
    /// module's analyzer's terms (every script, the same terms as a database index), chunks know their heading and identity.
    /// </summary>
    public const int CurrentSchemaVersion = AnalyzedTermsSchemaVersion;

    /// <summary>Schema version from which keyword search uses <see cref="Text.TextAnalyzer"/>'s terms and chunks carry heading and identity.</summary>
    public const int AnalyzedTermsSchemaVersion = 4;

    /// <summary>Schema version from which indexes carry the keyword (BM25) half.</summary>
    public const int KeywordSchemaVersion = 2;

    /// <summary>Schema version from which chunks carry their page (null where the document has no pages).</summary>
    public const int PagesSchemaVersion = 3;

    public required string EmbeddingModel { get; init; }

    public required int Dimensions { get; init; }

    /// <summary>Token limit of the embedding model the chunks were cut to fit.</summary>
    public required int MaxTokens { get; init; }

    public string Metric { get; init; } = "cosine";

    public required string Chunker { get; init; }

    public required int ChunkSize { get; init; }

    public required int ChunkOverlap { get; init; }

    /// <summary>Stemming of the keyword index (Porter: "running" finds "run").</summary>
    public KeywordStemming Stemming { get; init; } = KeywordStemming.Porter;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Whether the index has its keyword half (indexes from before hybrid retrieval do not, until updated).</summary>
    public bool HasKeywordIndex => SchemaVersion >= KeywordSchemaVersion;

    /// <summary>Whether the chunks table has its page column (older indexes gain it when next updated).</summary>
    public bool HasPages => SchemaVersion >= PagesSchemaVersion;

    /// <summary>Whether keyword search runs on the analyzer's terms and chunks carry heading and identity (older indexes gain them when next updated).</summary>
    public bool HasAnalyzedTerms => SchemaVersion >= AnalyzedTermsSchemaVersion;

    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;

    internal IEnumerable<KeyValuePair<string, string>> ToMeta() =>
    [
        new("format", FormatName),
        new("schema_version", SchemaVersion.ToString(CultureInfo.InvariantCulture)),
        new("embedding_model", EmbeddingModel),
        new("dimensions", Dimensions.ToString(CultureInfo.InvariantCulture)),
        new("max_tokens", MaxTokens.ToString(CultureInfo.InvariantCulture)),
        new("metric", Metric),
        new("chunker", Chunker),
        new("chunk_size", ChunkSize.ToString(CultureInfo.InvariantCulture)),
        new("chunk_overlap", ChunkOverlap.ToString(CultureInfo.InvariantCulture)),
        new("keyword_stemming", Stemming.ToString()),
        new("created", Created.ToString("o", CultureInfo.InvariantCulture)),
    ];

    internal static RagIndexSettings FromMeta(IReadOnlyDictionary<string, string> meta, string path)
    {
        string Get(string key) => meta.TryGetValue(key, out var v)
            ? v
            : throw new RagIndexException(RagIndexErrorKind.Damaged, path, $"'{path}' lacks the index setting '{key}'; the index is damaged. Rebuild it with New-RagIndex -Force.");
        int Int(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new RagIndexException(RagIndexErrorKind.Damaged, path, $"'{path}' has an unreadable index setting '{key}'; the index is damaged.");

        return new RagIndexSettings
        {
            SchemaVersion = Int("schema_version"),
            EmbeddingModel = Get("embedding_model"),
            Dimensions = Int("dimensions"),
            MaxTokens = Int("max_tokens"),
            Metric = Get("metric"),
            Chunker = Get("chunker"),
            ChunkSize = Int("chunk_size"),
            ChunkOverlap = Int("chunk_overlap"),
            Stemming = meta.TryGetValue("keyword_stemming", out var stemming) && Enum.TryParse<KeywordStemming>(stemming, out var parsed) ? parsed : KeywordStemming.Porter,
            Created = DateTimeOffset.TryParse(Get("created"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var c) ? c : default,
        };
    }

    /// <summary>
    /// Refuses to update an index built otherwise: vectors of two models cannot share an index, and chunks cut or
    /// stemmed two ways would make results depend on when a document was indexed.
    /// </summary>
    /// <param name="existing">The index's own settings.</param>
    /// <param name="index">The index as users name it (a folder, a database index).</param>
    /// <param name="path">What the error record names (the file or the index).</param>
    public void EnsureCompatible(RagIndexSettings existing, string index, string path)
    {
        if (!string.Equals(existing.EmbeddingModel, EmbeddingModel, StringComparison.OrdinalIgnoreCase))
        {
            throw new RagIndexException(RagIndexErrorKind.ModelMismatch, path,
                $"The index '{index}' was built with '{existing.EmbeddingModel}', not '{EmbeddingModel}'; vectors of two models cannot share an index. Use -Model {existing.EmbeddingModel}, or rebuild with -Force.");
        }

        if (existing.Chunker != Chunker || existing.ChunkSize != ChunkSize || existing.ChunkOverlap != ChunkOverlap || existing.MaxTokens != MaxTokens
            || (existing.HasKeywordIndex && existing.Stemming != Stemming))
        {
            throw new RagIndexException(RagIndexErrorKind.SettingsMismatch, path,
                $"The index '{index}' was built with {existing}; this update asks for {this}. Use the index's settings, or rebuild with -Force.");
        }
    }

    public override string ToString() =>
        $"{EmbeddingModel} ({Dimensions} dimensions, {MaxTokens} tokens), {Chunker} chunks of {ChunkSize} characters with {ChunkOverlap} overlap"
        + (HasKeywordIndex ? $", keyword index ({Stemming} stemming)" : ", no keyword index");
}
