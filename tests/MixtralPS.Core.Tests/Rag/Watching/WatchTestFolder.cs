using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Tests.Rag.Watching;

/// <summary>A throwaway folder tree for the watch tests, with helpers to write files and fake stored documents.</summary>
internal sealed class WatchTestFolder : IDisposable
{
    private long nextId;

    public WatchTestFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "mixtralps-watch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public string Write(string relative, string text = "some text")
    {
        var path = this[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public StoredDocument Stored(string relative) => new(++nextId, this[relative], "hash", 1);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A watcher may still hold it for a moment; the temp folder is cleaned up eventually anyway.
        }
    }
}
