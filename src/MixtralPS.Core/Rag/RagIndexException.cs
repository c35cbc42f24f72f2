namespace MixtralPS.Core.Rag;

/// <summary>What is wrong with an index (a folder, a database), or with using it, in words that name it.</summary>
public enum RagIndexErrorKind
{
    NotFound,
    Damaged,
    Foreign,
    NewerVersion,
    Locked,
    ModelMismatch,
    SettingsMismatch,

    /// <summary>The database server cannot be reached (down, wrong host or port, timed out).</summary>
    Unreachable,

    /// <summary>The server refused the login or the role may not do what was asked.</summary>
    AccessDenied,

    /// <summary>A write was sent to a read-only server (a hot standby).</summary>
    ReadOnly,

    /// <summary>The database lacks an extension the index needs (pgvector).</summary>
    MissingExtension,
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
