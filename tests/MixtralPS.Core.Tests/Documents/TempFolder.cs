using System.Text;

namespace MixtralPS.Core.Tests.Documents;

/// <summary>A folder of generated test files, deleted after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mixtralps-docs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Write(string name, string text, Encoding encoding) =>
        Write(name, [.. encoding.GetPreamble(), .. encoding.GetBytes(text)]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platform; the temp folder is cleaned eventually.
        }
    }
}
