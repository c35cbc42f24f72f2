using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace MixtralPS.Core.Index;

/// <summary>
/// Index files opened and written by .NET, handed to USearch as memory: paths then work whatever their
/// characters (USearch's own file functions use the C runtime's narrow strings, the ANSI code page on Windows),
/// and a missing or unreadable file fails with .NET's usual exceptions.
/// </summary>
internal sealed class IndexFile : IDisposable
{
    /// <summary>USearch's smallest possible file (its dense-index header) is 64 bytes; anything shorter is not an index.</summary>
    private const long MinimumLength = 64;

    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;

    private IndexFile(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        this.file = file;
        this.view = view;
        Length = length;
        Address = view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)view.PointerOffset;
    }

    /// <summary>Where the file's first byte is mapped.</summary>
    public nint Address { get; }

    public long Length { get; }

    /// <summary>The mapping, for whoever must keep it alive (a viewed index).</summary>
    public SafeMemoryMappedViewHandle Mapping => view.SafeMemoryMappedViewHandle;

    /// <summary>Maps <paramref name="path"/> read-only; <paramref name="notAnIndex"/> prefixes the message when it is too short.</summary>
    public static IndexFile OpenRead(string path, string notAnIndex)
    {
        // FileShare.Delete: on Windows the file can still be replaced (Save's rename) while a view reads the old one.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        try
        {
            if (stream.Length < MinimumLength)
            {
                throw new InvalidDataException($"{notAnIndex}: the file has {stream.Length} bytes, fewer than any index.");
            }

            var length = stream.Length;
            var file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            try
            {
                return new IndexFile(file, file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read), length);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="length"/> bytes through <paramref name="write"/> to a temporary file beside
    /// <paramref name="path"/>, flushes it to disk, then renames it over <paramref name="path"/>: readers see the
    /// old file or the new one, never half of one, and a failed save leaves the old file as it was.
    /// </summary>
    public static void WriteAtomically(string path, long length, Action<nint, long> write)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                stream.SetLength(length);
                using (var file = MemoryMappedFile.CreateFromFile(stream, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true))
                using (var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite))
                {
                    write(view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)view.PointerOffset, length);
                    view.Flush();
                }

                // The rename must not reach the disk before the data does, or a crash could leave an empty index.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public void Dispose()
    {
        view.Dispose();
        file.Dispose();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless: its name starts with '.', and the next save uses another.
        }
    }
}
