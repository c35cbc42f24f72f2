namespace MixtralPS.Core.Ocr;

/// <summary>A file OCR could not read: too large, not a format its bytes show, or refused by the server.</summary>
public sealed class OcrException : Exception
{
    public OcrException(string source, string reason, Exception? innerException = null)
        : base($"Cannot read '{source}' with OCR: {reason}.", innerException)
    {
        Source = source;
        Reason = reason;
        base.Source = source;
    }

    /// <summary>The file that failed.</summary>
    public new string Source { get; }

    /// <summary>Why, in a few words.</summary>
    public string Reason { get; }
}
