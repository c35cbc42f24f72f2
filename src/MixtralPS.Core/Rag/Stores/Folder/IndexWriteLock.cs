using System.Diagnostics;
using System.Text;

namespace MixtralPS.Core.Rag.Stores.Folder;

/// <summary>
/// One writer per index, across processes: an exclusive lock on write.lock (released by the OS when the
/// holder exits or is killed, so a crash never leaves the index locked).
/// </summary>
public sealed class IndexWriteLock : IDisposable
{
    private readonly FileStream stream;

    private IndexWriteLock(FileStream stream)
    {
        this.stream = stream;
    }

    public static IndexWriteLock Acquire(RagIndexPaths paths, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Folder);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var stream = new FileStream(paths.Lock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                var owner = Encoding.UTF8.GetBytes($"{Environment.ProcessId} {Environment.MachineName} {DateTimeOffset.UtcNow:o}\n");
                stream.SetLength(0);
                stream.Write(owner);
                stream.Flush();
                return new IndexWriteLock(stream);
            }
            catch (IOException) when (waited.Elapsed < timeout)
            {
                Thread.Sleep(100);
            }
            catch (IOException ex)
            {
                throw new RagIndexException(
                    RagIndexErrorKind.Locked,
                    paths.Lock,
                    $"Another writer holds the index '{paths.Folder}' (lock file '{paths.Lock}'{Holder(paths)}); waited {timeout.TotalSeconds:0.#} s. Try again when it has finished, or raise -TimeoutSec.",
                    ex);
            }
        }
    }

    /// <summary>Who holds the lock, as the holder wrote it (the lock is advisory, so the file stays readable).</summary>
    private static string Holder(RagIndexPaths paths)
    {
        try
        {
            using var reader = new FileStream(paths.Lock, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            var line = text.ReadLine()?.Split(' ');
            return line is { Length: >= 1 } && int.TryParse(line[0], out var pid) ? $", held by process {pid}" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose() => stream.Dispose();
}
