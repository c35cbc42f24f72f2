using MixtralPS.Core.Index;

namespace MixtralPS.Core.Rag.Stores.Folder;

/// <summary>
/// A write session on a folder index: holds the writer lock, writes each batch of documents in one transaction,
/// and derives the vector graph when it completes.
/// </summary>
internal sealed class FolderStoreWriter : IRagStoreWriter
{
    private readonly IndexWriteLock writeLock;
    private readonly RagDatabase db;
    private long startGeneration;
    private long lastChunkIdAtStart;
    private readonly List<long> removedChunkIds = [];
    private long chunksWritten;
    private bool completed;

    private FolderStoreWriter(FolderIndexLocation location, IndexWriteLock writeLock, RagDatabase db, bool created)
    {
        Location = location;
        this.writeLock = writeLock;
        this.db = db;
        Created = created;
        startGeneration = db.Generation();
        lastChunkIdAtStart = LastChunkId(db);
    }

    public FolderIndexLocation Location { get; }

    RagIndexLocation IRagStoreWriter.Location => Location;

    private RagIndexPaths Paths => Location.Paths;

    public RagIndexSettings Settings => db.Settings;

    public bool Created { get; }

    public string? Upgraded { get; private set; }

    public HnswSettings GraphSettings { get; init; } = new();

    public Action<string>? Log { get; init; }

    /// <summary>
    /// Opens (or creates) the index for writing, waiting for the lock up to <paramref name="lockTimeout"/>. An existing
    /// index must have been built with <paramref name="settings"/>' model and chunking unless <paramref name="rebuild"/>
    /// starts it afresh.
    /// </summary>
    public static FolderStoreWriter Open(FolderIndexLocation location, RagIndexSettings settings, bool rebuild, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var paths = location.Paths;
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
                return new FolderStoreWriter(location, writeLock, RagDatabase.Create(paths.Database, settings), created: true);
            }

            var db = RagDatabase.Open(paths.Database, readOnly: false);
            try
            {
                settings.EnsureCompatible(db.Settings, paths.Folder, paths.Database);
            }
            catch
            {
                db.Dispose();
                throw;
            }

            var writer = new FolderStoreWriter(location, writeLock, db, created: false);
            writer.Upgraded = FolderSchema.Upgrade(db, settings.Stemming, paths.Folder);
            return writer;
        }
        catch
        {
            writeLock.Dispose();
            throw;
        }
    }

    /// <summary>The settings of the index, or null when there is none (read without the lock).</summary>
    public static RagIndexSettings? ExistingSettings(FolderIndexLocation location)
    {
        var paths = location.Paths;
        if (!paths.Exists)
        {
            return null;
        }

        using var db = RagDatabase.Open(paths.Database, readOnly: true);
        return db.Settings;
    }

    public Task<StoredDocument?> FindAsync(string source, CancellationToken cancellationToken) => Task.FromResult(db.FindDocument(source));

    public Task<IReadOnlyList<StoredDocument>> DocumentsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredDocument>>(db.Documents());

    public Task<IReadOnlyDictionary<string, StoredEmbedding>> EmbeddingsAsync(IReadOnlyCollection<string> chunkHashes, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, StoredEmbedding>>(db.EmbeddingsByHash(chunkHashes));

    public Task WriteAsync(IReadOnlyList<DocumentWrite> batch, CancellationToken cancellationToken)
    {
        using var tx = db.BeginWrite();
        foreach (var (document, chunks) in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (db.FindDocument(document.Source, tx) is { } old)
            {
                removedChunkIds.AddRange(db.ChunkIds(old.Id, tx));
            }

            db.ReplaceDocument(tx, document, chunks);
            chunksWritten += chunks.Count;
        }

        db.BumpGeneration(tx);
        tx.Commit();
        return Task.CompletedTask;
    }

    public Task RemoveAsync(StoredDocument document, CancellationToken cancellationToken)
    {
        using var tx = db.BeginWrite();
        removedChunkIds.AddRange(db.ChunkIds(document.Id, tx));
        db.RemoveDocument(tx, document.Id);
        db.BumpGeneration(tx);
        tx.Commit();
        return Task.CompletedTask;
    }

    public Task<long> ChunkCountAsync(CancellationToken cancellationToken) => Task.FromResult(db.ChunkCount());

    /// <summary>
    /// Merges the keyword index after changes, and brings the vector graph up to date with what was written. A session
    /// that rewrote a large share of the index merges the keyword index whole (fastest to query); a small update does a
    /// bounded share of merging, so its cost follows the change and not the index's size. A session may complete many
    /// times (New-RagIndex -Watch, once per update): each time the graph just written becomes the base the next one is
    /// updated from.
    /// </summary>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (Settings.HasKeywordIndex && ((Upgraded is not null && !completed) || db.Generation() != startGeneration))
        {
            using var tx = db.BeginWrite();
            if (!completed && (Created || Upgraded is not null) || chunksWritten * 10 >= db.ChunkCount())
            {
                KeywordIndex.Optimize(db.Connection, tx);
            }
            else
            {
                KeywordIndex.Merge(db.Connection, tx, pages: 256);
            }

            tx.Commit();
        }

        VectorGraphBuilder.Sync(Paths, db, startGeneration, lastChunkIdAtStart, removedChunkIds, GraphSettings, Log, cancellationToken);
        startGeneration = db.Generation();
        lastChunkIdAtStart = LastChunkId(db);
        removedChunkIds.Clear();
        chunksWritten = 0;
        completed = true;
        return Task.CompletedTask;
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
