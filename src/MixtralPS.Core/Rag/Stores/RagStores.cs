using MixtralPS.Core.Rag.Stores.Folder;
using MixtralPS.Core.Rag.Stores.Postgres;

namespace MixtralPS.Core.Rag.Stores;

/// <summary>Opens the store a location names: the one place that knows which stores exist.</summary>
public static class RagStores
{
    /// <summary>
    /// A write session on the index (created when missing). An existing index must have been built with
    /// <paramref name="settings"/>' model and chunking unless <paramref name="rebuild"/> starts it afresh.
    /// </summary>
    public static async Task<IRagStoreWriter> OpenWriterAsync(
        RagIndexLocation location, RagIndexSettings settings, bool rebuild, TimeSpan lockTimeout, CancellationToken cancellationToken) => location switch
    {
        FolderIndexLocation folder => await Task.Run(() => FolderStoreWriter.Open(folder, settings, rebuild, lockTimeout, cancellationToken), cancellationToken).ConfigureAwait(false),
        PostgresIndexLocation database => await PostgresStoreWriter.OpenAsync(database, settings, rebuild, lockTimeout, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(location), location, "Unknown kind of index location."),
    };

    /// <summary>A write session on the folder index at <paramref name="folder"/>.</summary>
    public static IRagStoreWriter OpenWriter(string folder, RagIndexSettings settings, bool rebuild, TimeSpan lockTimeout, CancellationToken cancellationToken) =>
        FolderStoreWriter.Open(new FolderIndexLocation(folder), settings, rebuild, lockTimeout, cancellationToken);

    public static async Task<IRagStoreReader> OpenReaderAsync(RagIndexLocation location, CancellationToken cancellationToken) => location switch
    {
        FolderIndexLocation folder => FolderStoreReader.Open(folder),
        PostgresIndexLocation database => await PostgresStoreReader.OpenAsync(database, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(location), location, "Unknown kind of index location."),
    };

    /// <summary>The settings of an existing index, or null when there is none yet.</summary>
    public static async Task<RagIndexSettings?> ExistingSettingsAsync(RagIndexLocation location, CancellationToken cancellationToken) => location switch
    {
        FolderIndexLocation folder => FolderStoreWriter.ExistingSettings(folder),
        PostgresIndexLocation database => await PostgresStoreReader.ExistingSettingsAsync(database, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(location), location, "Unknown kind of index location."),
    };
}
