using MixtralPS.Core.Rag.Stores.Folder;
using MixtralPS.Core.Rag.Stores.Postgres;

namespace MixtralPS.Core.Rag.Stores;

/// <summary>Where an index lives: chosen once from the cmdlet's parameters, then every layer above is store-blind.</summary>
public abstract record RagIndexLocation
{
    /// <summary>How the index is named to users: a folder path, or a database and index name with no password.</summary>
    public abstract string Display { get; }

    /// <summary>Identifies the index for pooling readers (may hold secrets: never shown).</summary>
    internal abstract string Key { get; }

    // Sealed so that no derived record prints its properties (a connection string may hold a password).
    public sealed override string ToString() => Display;

    public static FolderIndexLocation Folder(string folder) => new(folder);

    /// <summary>An index inside a PostgreSQL database (pgvector).</summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed or the name is not valid.</exception>
    public static PostgresIndexLocation Postgres(string connectionString, string name) => new(connectionString, name);
}

/// <summary>An index in a folder (SQLite database and HNSW graph files), for example ./docs.ragidx.</summary>
public sealed record FolderIndexLocation : RagIndexLocation
{
    public FolderIndexLocation(string folder)
    {
        Paths = new RagIndexPaths(folder);
    }

    public RagIndexPaths Paths { get; }

    public string Path => Paths.Folder;

    public override string Display => Paths.Folder;

    internal override string Key => "folder:" + Paths.Folder;
}
