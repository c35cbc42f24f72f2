using System.Management.Automation;
using MixtralPS.Core.Rag;

namespace MixtralPS.Infrastructure;

/// <summary>Error records for index problems: IDs like NewRagIndexLocked, the file named, and what to do.</summary>
internal static class RagErrors
{
    public static ErrorRecord From(RagIndexException ex, string prefix)
    {
        var category = ex.Kind switch
        {
            RagIndexErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            RagIndexErrorKind.Locked => ErrorCategory.ResourceBusy,
            RagIndexErrorKind.Damaged => ErrorCategory.InvalidData,
            RagIndexErrorKind.Foreign => ErrorCategory.InvalidData,
            RagIndexErrorKind.NewerVersion => ErrorCategory.NotImplemented,
            RagIndexErrorKind.Unreachable => ErrorCategory.ConnectionError,
            RagIndexErrorKind.AccessDenied => ErrorCategory.PermissionDenied,
            RagIndexErrorKind.ReadOnly => ErrorCategory.PermissionDenied,
            RagIndexErrorKind.MissingExtension => ErrorCategory.NotInstalled,
            _ => ErrorCategory.InvalidArgument,
        };
        return new ErrorRecord(ex, prefix + "Index" + ex.Kind, category, ex.Path);
    }
}
