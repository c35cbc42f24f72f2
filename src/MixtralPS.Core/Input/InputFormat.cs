namespace MixtralPS.Core.Input;

/// <summary>How piped objects are shown to the model.</summary>
public enum InputFormat
{
    /// <summary>A compact Markdown-style table of the columns PowerShell's default view shows.</summary>
    Table,

    /// <summary>RFC 4180 CSV with a header row.</summary>
    Csv,

    /// <summary>A JSON array with one object per record.</summary>
    Json,

    /// <summary>What Out-String shows (rendered by the cmdlet layer, not by <see cref="DataRenderer"/>).</summary>
    Text,
}
