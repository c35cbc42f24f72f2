namespace MixtralPS.Core.Documents;

/// <summary>A file that yields no text: binary, unreadable, damaged, encrypted or empty.</summary>
public sealed class DocumentLoadException : Exception
{
    public DocumentLoadException(string source, string reason, Exception? innerException = null)
        : base($"Cannot load '{source}': {reason}.", innerException)
    {
        Source = source;
        Reason = reason;

        // Exception.Source would otherwise name an assembly; both views name the file.
        base.Source = source;
    }

    /// <summary>The file (or name of the piped text) that failed.</summary>
    public new string Source { get; }

    /// <summary>Why, in a few words ("binary file (.png)", "damaged PDF: …").</summary>
    public string Reason { get; }

    /// <summary>The file is a scanned PDF (no text layer) or an image: OCR could read it where the loader cannot.</summary>
    public bool NeedsOcr { get; init; }
}
