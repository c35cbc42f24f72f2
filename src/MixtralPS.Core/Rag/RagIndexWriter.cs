using MixtralPS.Core.Index;

namespace MixtralPS.Core.Rag;

/// <summary>
/// A write session on an index: holds the writer lock, replaces and removes documents one transaction each,
/// and derives the vector graph when it completes.
/// </summary>
public sealed class RagIndexWriter : IDisposable
{
    private readonly IndexWriteLock writeLock;
    private readonly RagDatabase db;
    private readonly long startGeneration;
    private readonly long lastChunkIdAtStart;
    private readonly List<long> removedChunkIds = [];

    private RagIndexWriter(RagIndexPaths paths, IndexWriteLock writeLock, RagDatabase db, bool created)
    {
        Paths = paths;
        this.writeLock = writeLock;
        this.db = db;
        Created = created;
        startGeneration = db.Generation();
        lastChunkIdAtStart = LastChunkId(db);
    }

    public RagIndexPaths Paths { get; }

    public RagIndexSettings Settings => db.Settings;

    /// <summary>Whether this session created the index.</summary>
    public bool Created { get; }

    /// <summary>Whether this session gave an older index its keyword half.</summary>
    public bool KeywordIndexAdded { get; private set; }

    public HnswSettings GraphSettings { get; init; } = new();

    public Action<string>? Log { get; init; }

    /// <summary>
    /// Opens (or creates) the index at <paramref name="folder"/> for writing, waiting for the lock up to
    /// <paramref name="lockTimeout"/>. An existing index must have been built with <paramref name="settings"/>'
    /// model and chunking unless <paramref name="rebuild"/> starts it afresh.
    /// </summary>
    public static RagIndexWriter Open(string folder, RagIndexSettings settings, bool rebuild, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var paths = new RagIndexPaths(folder);
        if (File.Exists(paths.Folder))
        {
            throw new RagIndexException(RagIndexErrorKind.Foreign, paths.Folder, $"'{paths.Folder}' is a file; an index is a folder (for example docs.ragidx).");
        }

        var writeLock = IndexWriteLock.Acquire(paths, lockTimeout, cancellationToken);
        try
        {
            if (rebuild)
            {
                DeleteIndexFiles(paths);
            }

            if (!paths.Exists)
            {
                return new RagIndexWriter(paths, writeLock, RagDatabase.Create(paths.Database, settings), created: true);
            }

            var db = RagDatabase.Open(paths.Database, readOnly: false);
            var existing = db.Settings;
            if (!string.Equals(existing.EmbeddingModel, settings.EmbeddingModel, StringComparison.OrdinalIgnoreCase))
            {
                db.Dispose();
                throw new RagIndexException(RagIndexErrorKind.ModelMismatch, paths.Database,
                    $"The index '{paths.Folder}' was built with '{existing.EmbeddingModel}', not '{settings.EmbeddingModel}'; vectors of two models cannot share an index. Use -Model {existing.EmbeddingModel}, or rebuild with -Force.");
            }

            if (existing.Chunker != settings.Chunker || existing.ChunkSize != settings.ChunkSize || existing.ChunkOverlap != settings.ChunkOverlap || existing.MaxTokens != settings.MaxTokens
                || (existing.HasKeywordIndex && existing.Stemming != settings.Stemming))
            {
                db.Dispose();
                throw new RagIndexException(RagIndexErrorKind.SettingsMismatch, paths.Database,
                    $"The index '{paths.Folder}' was built with {existing}; this update asks for {settings}. Use the index's settings, or rebuild with -Force.");
            }

            var writer = new RagIndexWriter(paths, writeLock, db, created: false);
            if (!existing.HasKeywordIndex)
            {
                db.AddKeywordIndex(settings.Stemming);
                writer.KeywordIndexAdded = true;
            }

            db.AddPageColumn();

            return writer;
        }
        catch
        {
            writeLock.Dispose();
            throw;
        }
    }

    /// <summary>The settings of the index at <paramref name="folder"/>, or null when there is none (read without the lock).</summary>
    public static RagIndexSettings? ExistingSettings(string folder)
    {
        var paths = new RagIndexPaths(folder);
        if (!paths.Exists)
        {
            return null;
        }

        using var db = RagDatabase.Open(paths.Database, readOnly: true);
        return db.Settings;
    }

    public StoredDocument? Find(string source) => db.FindDocument(source);

    public IReadOnlyList<StoredDocument> Documents() => db.Documents();

    /// <summary>Stores a document's new version and its chunks in one transaction.</summary>
    public void Replace(DocumentRecord document, IReadOnlyList<ChunkRecord> chunks)
    {
        using var tx = db.BeginWrite();
        if (db.FindDocument(document.Source, tx) is { } old)
        {
            removedChunkIds.AddRange(db.ChunkIds(old.Id, tx));
        }

        db.ReplaceDocument(tx, document, chunks);
        db.BumpGeneration(tx);
        tx.Commit();
    }

    public void Remove(StoredDocument document)
    {
        using var tx = db.BeginWrite();
        removedChunkIds.AddRange(db.ChunkIds(document.Id, tx));
        db.RemoveDocument(tx, document.Id);
        db.BumpGeneration(tx);
        tx.Commit();
    }

    public long ChunkCount() => db.ChunkCount();

    /// <summary>Merges the keyword index after changes, and brings the vector graph up to date with what was written.</summary>
    public void Complete(CancellationToken cancellationToken)
    {
        if (Settings.HasKeywordIndex && (KeywordIndexAdded || db.Generation() != startGeneration))
        {
            using var tx = db.BeginWrite();
            KeywordIndex.Optimize(db.Connection, tx);
            tx.Commit();
        }

        VectorGraphBuilder.Sync(Paths, db, startGeneration, lastChunkIdAtStart, removedChunkIds, GraphSettings, Log, cancellationToken);
    }

    private static long LastChunkId(RagDatabase db)
    {
        using var command = db.Connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(id), 0) FROM chunks";
        return (long)command.ExecuteScalar()!;
    }

    private static void DeleteIndexFiles(RagIndexPaths paths)
    {
        foreach (var file in new[] { paths.Database, paths.Database + "-wal", paths.Database + "-shm" }.Concat(paths.VectorFiles().Select(v => v.Path)))
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }

    public void Dispose()
    {
        db.Dispose();
        writeLock.Dispose();
    }
}
