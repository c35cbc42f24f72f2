namespace MixtralPS.Core.Documents;

/// <summary>Limits of <see cref="DocumentLoader.Load(string, DocumentLoadOptions, CancellationToken)"/>.</summary>
public sealed class DocumentLoadOptions
{
    public const long DefaultMaxFileBytes = 256L * 1024 * 1024;

    public static DocumentLoadOptions Default { get; } = new();

    /// <summary>Larger files are refused before they are read, so a stray disk image cannot exhaust memory.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    internal void Validate()
    {
        if (MaxFileBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, "MaxFileBytes must be positive.");
        }
    }
}
