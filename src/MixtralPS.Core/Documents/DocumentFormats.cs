namespace MixtralPS.Core.Documents;

/// <summary>The values of <see cref="LoadedDocument.Format"/>, and which loader a file name picks.</summary>
public static class DocumentFormats
{
    public const string Text = "text";
    public const string Markdown = "markdown";
    public const string Html = "html";
    public const string Pdf = "pdf";
    public const string Docx = "docx";

    /// <summary>An image whose text was read with OCR.</summary>
    public const string Image = "image";

    // Formats whose text would need a parser we do not ship; refused by name, before reading the file.
    private static readonly HashSet<string> BinaryExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        // images
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".icns", ".webp", ".tif", ".tiff", ".heic", ".avif", ".psd",
        // archives and packages
        ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".tar", ".jar", ".war", ".nupkg", ".whl",
        ".msi", ".cab", ".deb", ".rpm", ".dmg", ".iso", ".apk",
        // executables, libraries, objects
        ".exe", ".dll", ".so", ".dylib", ".pdb", ".o", ".obj", ".a", ".lib", ".class", ".pyc", ".pyo", ".wasm",
        // models and data
        ".onnx", ".bin", ".pt", ".pth", ".safetensors", ".gguf", ".npy", ".npz", ".parquet", ".arrow", ".avro",
        ".sqlite", ".db", ".mdb", ".pkl",
        // media and fonts
        ".mp3", ".mp4", ".m4a", ".wav", ".ogg", ".flac", ".avi", ".mov", ".mkv", ".webm",
        ".ttf", ".otf", ".woff", ".woff2", ".eot",
        // office formats other than DOCX, keys
        ".doc", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".pfx", ".p12", ".snk",
    };

    /// <summary>The format a file's extension asks for; <see cref="Text"/> for any other extension or none.</summary>
    public static string FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => Markdown,
        ".html" or ".htm" or ".xhtml" => Html,
        ".pdf" => Pdf,
        ".docx" => Docx,
        _ => Text,
    };

    /// <summary>Whether the extension names a binary format we do not read.</summary>
    public static bool IsKnownBinary(string path) => BinaryExtensions.Contains(Path.GetExtension(path));
}
