using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Client;
using MixtralPS.Core.Chunking;
using MixtralPS.Core.Documents;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Ocr;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>New-RagIndex: piped paths (wildcards) and objects with a text and a source, turned into documents.</summary>
public sealed partial class NewRagIndexCommand
{
    private void IndexPaths(string path)
    {
        Collection<string> resolved;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(path, out var provider);
            if (provider.Name != "FileSystem")
            {
                throw new ArgumentException($"'{path}' is not a file-system path.");
            }
        }
        catch (Exception ex) when (ex is ItemNotFoundException or ArgumentException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException)
        {
            WriteError(new ErrorRecord(ex, ErrorIdPrefix + "PathNotFound", ErrorCategory.ObjectNotFound, path));
            summary.Failed++;
            return;
        }

        foreach (var file in resolved)
        {
            if (Directory.Exists(file))
            {
                WriteWarning($"'{file}' is a folder; pipe its files instead: Get-ChildItem '{file}' -Recurse -File | New-RagIndex.");
                continue;
            }

            Index(file);
        }
    }

    private void IndexObject(PSObject item)
    {
        var text = Property(item, "Text", "Content");
        var source = Property(item, "Source", "Path", "FullName", "Name", "Id");
        if (text is null || source is null)
        {
            WriteError(new ErrorRecord(
                new ArgumentException("Each input must be a file, a path, or an object with a Text (or Content) and a Source (or Path, Name, Id)."),
                ErrorIdPrefix + "InvalidInput", ErrorCategory.InvalidArgument, item));
            summary.Failed++;
            return;
        }

        Index(source, text);
    }

    private static string? Property(PSObject item, params string[] names) =>
        names.Select(n => item.Properties[n]?.Value).FirstOrDefault(v => v is not null) is { } value
            ? LanguagePrimitives.ConvertTo<string>(value)
            : null;
}
