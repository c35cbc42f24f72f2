using System.Globalization;

namespace MixtralPS.Core.Rag.Stores.Folder;

/// <summary>The files of an index folder (for example docs.ragidx/).</summary>
public sealed class RagIndexPaths
{
    public const string DatabaseFileName = "index.db";
    public const string LockFileName = "write.lock";
    private const string VectorFilePrefix = "vectors.";
    private const string VectorFileSuffix = ".usearch";

    public RagIndexPaths(string folder)
    {
        Folder = System.IO.Path.GetFullPath(folder);
    }

    public string Folder { get; }

    public string Database => System.IO.Path.Combine(Folder, DatabaseFileName);

    public string Lock => System.IO.Path.Combine(Folder, LockFileName);

    /// <summary>The HNSW graph derived from the database at one generation (one committed state).</summary>
    public string Vectors(long generation) =>
        System.IO.Path.Combine(Folder, VectorFilePrefix + generation.ToString(CultureInfo.InvariantCulture) + VectorFileSuffix);

    /// <summary>
    /// The chunks the graph of one generation cannot reach (HNSW's pruning can leave a node with no way in), one id
    /// a line; readers score them exactly beside every graph search. Written before the graph, removed with it.
    /// </summary>
    public string Unreachable(long generation) =>
        System.IO.Path.Combine(Folder, VectorFilePrefix + generation.ToString(CultureInfo.InvariantCulture) + ".unreachable");

    /// <summary>Graph files present, by generation.</summary>
    public IEnumerable<(long Generation, string Path)> VectorFiles()
    {
        if (!Directory.Exists(Folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(Folder, VectorFilePrefix + "*" + VectorFileSuffix))
        {
            var name = System.IO.Path.GetFileName(file);
            var middle = name[VectorFilePrefix.Length..^VectorFileSuffix.Length];
            if (long.TryParse(middle, NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            {
                yield return (generation, file);
            }
        }
    }

    public bool Exists => File.Exists(Database);
}
