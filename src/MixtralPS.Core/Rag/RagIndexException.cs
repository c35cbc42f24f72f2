namespace MixtralPS.Core.Rag;

/// <summary>What is wrong with an index on disk, or with using it, in words that name the file.</summary>
public enum RagIndexErrorKind
{
    NotFound,
    Damaged,
    Foreign,
    NewerVersion,
    Locked,
    ModelMismatch,
    SettingsMismatch,
}

public sealed class RagIndexException : Exception
{
    public RagIndexException(RagIndexErrorKind kind, string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Path = path;
    }

    public RagIndexErrorKind Kind { get; }

    /// <summary>The file or folder concerned.</summary>
    public string Path { get; }
}
