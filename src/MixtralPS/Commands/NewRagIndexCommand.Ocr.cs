using System.Management.Automation;
using MixtralPS.Core.Client;
using MixtralPS.Core.Ocr;

namespace MixtralPS.Commands;

/// <summary>
/// OCR of the files New-RagIndex cannot extract text from (scanned PDFs, images). It is on when -Ocr is given, or
/// when an API key is present (-ApiKey or $env:MISTRAL_API_KEY) and -Ocr:$false is not: with a key the API is
/// already in use. Without either, nothing leaves the machine and each such file is skipped with a warning.
/// </summary>
public sealed partial class NewRagIndexCommand
{
    /// <summary>Read scanned PDFs and images with the API's OCR model (on by default when an API key is present; -Ocr:$false turns it off).</summary>
    [Parameter(ParameterSetName = "Input")]
    [Parameter(ParameterSetName = "InputDatabase")]
    [Parameter(ParameterSetName = "Watch")]
    [Parameter(ParameterSetName = "WatchDatabase")]
    public SwitchParameter Ocr { get; set; }

    private OcrDocumentReader? ocrReader;

    /// <summary>Whether -Ocr was given as on, or left out while a key is present.</summary>
    private bool OcrEnabled => MyInvocation.BoundParameters.ContainsKey(nameof(Ocr)) ? Ocr.IsPresent : Key is not null;

    /// <summary>The OCR reader when OCR is on, made on the pipeline thread when first needed (it makes the client).</summary>
    private OcrDocumentReader? OcrReader()
    {
        if (!OcrEnabled)
        {
            return null;
        }

        if (ocrReader is null)
        {
            ocrReader = new OcrDocumentReader(Client);
            WriteVerbose($"Files with no text layer are read with {ocrReader.Model} at {Client.ResolveUri("ocr")}.");
        }

        return ocrReader;
    }

    /// <summary>Why a file that needs OCR was not read with it, after its reason.</summary>
    private string OcrSkipReason() => MyInvocation.BoundParameters.ContainsKey(nameof(Ocr)) && !Ocr.IsPresent
        ? "; OCR is off (-Ocr:$false)"
        : "; OCR needs the API: pass -Ocr (with -ApiKey or $env:MISTRAL_API_KEY for Mistral's own), or set $env:MISTRAL_API_KEY";

    /// <summary>One file OCR could not read: an error for it alone, unless the key or client failed (then nothing can go on).</summary>
    private void WriteOcrError(Exception ex, string source)
    {
        if (ex is MistralException)
        {
            WriteItemError(ex, source);
            return;
        }

        WriteError(new ErrorRecord(ex, ErrorIdPrefix + "OcrFailed", ErrorCategory.InvalidData, source)
        {
            ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Check the file; it was not indexed, the others were." },
        });
    }
}
