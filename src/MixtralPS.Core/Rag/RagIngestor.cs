using System.Security.Cryptography;
using System.Text;
using MixtralPS.Core.Chunking;
using MixtralPS.Core.Documents;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Ocr;
using MixtralPS.Core.Rag.Stores;

namespace MixtralPS.Core.Rag;

/// <summary>What happened to one input document.</summary>
public enum IngestOutcome
{
    Added,
    Updated,
    Skipped,
}

/// <summary>A document ready to be indexed (or skipped, when its content has not changed).</summary>
public sealed class PendingDocument
{
    internal PendingDocument(DocumentRecord record, LoadedDocument? loaded, IngestOutcome outcome)
    {
        Record = record;
        Loaded = loaded;
        Outcome = outcome;
    }

    public DocumentRecord Record { get; }

    public IngestOutcome Outcome { get; }

    internal LoadedDocument? Loaded { get; }

    public string Source => Record.Source;
}

/// <summary>A chunk, the page (from 1) it comes from (null where the document has no pages), and its heading path.</summary>
public readonly record struct PagedChunk(TextChunk Chunk, int? Page, string? Heading = null);

/// <summary>One document written: what was done, how many chunks it became, and how many of them were embedded or reused.</summary>
public sealed record IngestResult(string Source, IngestOutcome Outcome, int Chunks, int ChunksEmbedded = 0, int ChunksReused = 0);

/// <summary>
/// Turns documents into stored chunks: skips what has not changed (same content hash), chunks the rest
/// so that no chunk exceeds the embedding model's token limit, embeds chunks of several documents in one
/// batch, and stores each batch of documents in one transaction, through whichever store the writer is.
/// </summary>
public sealed class RagIngestor
{
    private readonly IRagStoreWriter writer;
    private readonly IEmbeddingProvider embedder;
    private readonly IChunker chunker;
    private readonly List<(PendingDocument Document, IReadOnlyList<PagedChunk> Chunks)> queue = [];
    private int queuedChunks;

    public RagIngestor(IRagStoreWriter writer, IEmbeddingProvider embedder, IChunker chunker)
    {
        this.writer = writer;
        this.embedder = embedder;
        this.chunker = chunker;
    }

    /// <summary>Chunks gathered before one embedding call.</summary>
    public int EmbeddingBatch { get; init; } = 64;

    /// <summary>
    /// Reads a file and decides whether it needs indexing. A file with no text to extract (a scanned PDF, an image)
    /// is read with <paramref name="ocr"/> when given; without it, it fails like any unreadable file
    /// (<see cref="DocumentLoadException.NeedsOcr"/> says why).
    /// </summary>
    /// <exception cref="DocumentLoadException">The file cannot be read (and OCR was not asked for, or does not apply).</exception>
    /// <exception cref="OcrException">OCR could not read the file.</exception>
    public async Task<PendingDocument> PrepareAsync(string path, OcrDocumentReader? ocr, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DocumentLoadException(path, "the file does not exist");
        }

        var hash = HashFile(path);
        var source = info.FullName;
        var stored = await writer.FindAsync(source, cancellationToken).ConfigureAwait(false);
        if (Unchanged(stored, source, hash) is { } skipped)
        {
            return skipped;
        }

        LoadedDocument loaded;
        try
        {
            loaded = DocumentLoader.Load(path, cancellationToken);
        }
        catch (DocumentLoadException ex) when (ex.NeedsOcr && ocr is not null)
        {
            loaded = await ocr.ReadAsync(source, cancellationToken).ConfigureAwait(false);
        }

        var record = new DocumentRecord(source, hash, info.Length, info.LastWriteTimeUtc, loaded.Format, loaded.Encoding);
        return new PendingDocument(record, loaded, stored is null ? IngestOutcome.Added : IngestOutcome.Updated);
    }

    /// <summary>A text given directly (not a file) under a source name.</summary>
    public async Task<PendingDocument> PrepareAsync(string source, string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = Convert.ToHexString(SHA256.HashData(bytes));
        var stored = await writer.FindAsync(source, cancellationToken).ConfigureAwait(false);
        if (Unchanged(stored, source, hash) is { } skipped)
        {
            return skipped;
        }

        var loaded = DocumentLoader.FromText(source, text);
        var record = new DocumentRecord(source, hash, bytes.Length, null, loaded.Format, null);
        return new PendingDocument(record, loaded, stored is null ? IngestOutcome.Added : IngestOutcome.Updated);
    }

    /// <summary>
    /// Queues a document; when enough chunks are queued they are embedded and stored. Returns the documents
    /// written by this call (possibly none, possibly earlier ones).
    /// </summary>
    public async Task<IReadOnlyList<IngestResult>> AddAsync(PendingDocument document, CancellationToken cancellationToken)
    {
        if (document.Outcome == IngestOutcome.Skipped || document.Loaded is null)
        {
            return [new IngestResult(document.Source, IngestOutcome.Skipped, 0)];
        }

        var chunks = Split(document.Loaded);
        queue.Add((document, chunks));
        queuedChunks += chunks.Count;
        return queuedChunks >= EmbeddingBatch ? await FlushAsync(cancellationToken).ConfigureAwait(false) : [];
    }

    /// <summary>
    /// Embeds and stores every queued document. A chunk whose identity (<see cref="ChunkIdentity"/>) the index already
    /// holds, in this document or another, keeps its stored embedding: editing a paragraph re-embeds only the chunks
    /// whose text changed.
    /// </summary>
    public async Task<IReadOnlyList<IngestResult>> FlushAsync(CancellationToken cancellationToken)
    {
        if (queue.Count == 0)
        {
            return [];
        }

        var model = writer.Settings.EmbeddingModel;
        var hashes = queue.Select(q => q.Chunks.Select(c => ChunkIdentity.Of(model, c.Heading, c.Chunk.Text)).ToList()).ToList();
        var known = await writer.EmbeddingsAsync(hashes.SelectMany(h => h).Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var texts = new List<string>();
        for (var d = 0; d < queue.Count; d++)
        {
            for (var c = 0; c < queue[d].Chunks.Count; c++)
            {
                if (!known.ContainsKey(hashes[d][c]) && slots.TryAdd(hashes[d][c], texts.Count))
                {
                    var chunk = queue[d].Chunks[c];
                    texts.Add(ChunkIdentity.WithHeading(chunk.Heading, chunk.Chunk.Text));
                }
            }
        }

        IReadOnlyList<EmbeddingResult> vectors = texts.Count == 0
            ? []
            : await embedder.EmbedAsync(texts, EmbeddingPurpose.Document, cancellationToken).ConfigureAwait(false);
        var results = new List<IngestResult>(queue.Count);
        var batch = new List<DocumentWrite>(queue.Count);
        var embeddedSlots = new HashSet<int>();
        for (var d = 0; d < queue.Count; d++)
        {
            var (document, chunks) = queue[d];
            var records = new List<ChunkRecord>(chunks.Count);
            var embedded = 0;
            for (var c = 0; c < chunks.Count; c++)
            {
                var (chunk, page, heading) = chunks[c];
                var hash = hashes[d][c];
                (float[] Vector, int Tokens) found;
                if (known.TryGetValue(hash, out var stored))
                {
                    found = (stored.Vector, stored.TokenCount);
                }
                else
                {
                    var slot = slots[hash];
                    // A chunk repeated within the batch is embedded once; its repeats count as reused.
                    embedded += embeddedSlots.Add(slot) ? 1 : 0;
                    found = (vectors[slot].Vector, vectors[slot].TokenCount);
                }

                records.Add(new ChunkRecord(chunk.Ordinal, chunk.Start, chunk.Length, chunk.Text, found.Tokens, found.Vector, page, heading, hash));
            }

            batch.Add(new DocumentWrite(document.Record, records));
            results.Add(new IngestResult(document.Source, document.Outcome, records.Count, embedded, records.Count - embedded));
        }

        // One transaction for the batch: a killed writer leaves each of these documents wholly old or wholly new.
        await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        queue.Clear();
        queuedChunks = 0;
        return results;
    }

    /// <summary>
    /// The document's chunks. A document with pages is cut page by page, so that no chunk spans two pages and each
    /// knows its own. A document with headings (Markdown, HTML) is cut section by section with the recursive chunker,
    /// each chunk knowing its heading path, which is embedded and keyword-indexed with it. Offsets stay those of the
    /// whole text and ordinals run on across pages and sections. The fixed chunker keeps the tutorial's slicing.
    /// </summary>
    public IReadOnlyList<PagedChunk> Split(LoadedDocument document)
    {
        if (document.Pages is { } pages)
        {
            return SplitParts(document.Text, pages.Select(p => (p.Start, p.Length, (int?)p.Number, (string?)null)));
        }

        if (document.Sections is { } sections && chunker is RecursiveChunker)
        {
            return SplitParts(document.Text, sections.Select(s => (s.Start, s.Length, (int?)null, s.Heading)));
        }

        return chunker.Split(document.Text).Select(c => new PagedChunk(c, null)).ToList();
    }

    private List<PagedChunk> SplitParts(string text, IEnumerable<(int Start, int Length, int? Page, string? Heading)> parts)
    {
        var chunks = new List<PagedChunk>();
        foreach (var (start, length, page, heading) in parts)
        {
            var partChunker = heading is null ? chunker : chunker.ForPrefix(heading + "\n");
            foreach (var piece in partChunker.Split(text.Substring(start, length)))
            {
                chunks.Add(new PagedChunk(piece with { Ordinal = chunks.Count, Start = start + piece.Start }, page, heading));
            }
        }

        return chunks;
    }

    /// <summary>Drops queued documents without storing them (after Ctrl+C: what was stored stays).</summary>
    public void Discard()
    {
        queue.Clear();
        queuedChunks = 0;
    }

    private static PendingDocument? Unchanged(StoredDocument? stored, string source, string hash) =>
        stored is not null && stored.ContentHash == hash
            ? new PendingDocument(new DocumentRecord(source, hash, 0, null, "", null), null, IngestOutcome.Skipped)
            : null;

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
