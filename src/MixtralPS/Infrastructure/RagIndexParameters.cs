using System.Management.Automation;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Postgres;

namespace MixtralPS.Infrastructure;

/// <summary>
/// The RAG cmdlets' store parameters turned into one location: -Path names a folder index; -ConnectionString (or
/// $env:MIXTRALPS_RAG_CONNECTION) and -Name an index in PostgreSQL. Chosen once here; nothing below knows which.
/// </summary>
internal static class RagIndexParameters
{
    public const string ConnectionVariable = "MIXTRALPS_RAG_CONNECTION";

    /// <summary>The location the bound parameters name; a terminating error when they name none or a bad one.</summary>
    public static RagIndexLocation Resolve(MixtralCmdlet cmdlet, string? path, string? connectionString, string? name)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return new FolderIndexLocation(cmdlet.GetUnresolvedProviderPathFromPSPath(path));
        }

        var connection = string.IsNullOrWhiteSpace(connectionString) ? Environment.GetEnvironmentVariable(ConnectionVariable) : connectionString;
        if (string.IsNullOrWhiteSpace(connection))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"No index given: use -Path for a folder index, or -ConnectionString (or $env:{ConnectionVariable}) with -Name for an index in PostgreSQL."),
                cmdlet.ErrorIdPrefix + "NoIndex", ErrorCategory.InvalidArgument, null));
        }

        try
        {
            return new PostgresIndexLocation(connection!, string.IsNullOrEmpty(name) ? PostgresIndexLocation.DefaultName : name);
        }
        catch (ArgumentException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(ex, cmdlet.ErrorIdPrefix + (ex.ParamName == "name" ? "InvalidIndexName" : "InvalidConnectionString"),
                ErrorCategory.InvalidArgument, ex.ParamName == "name" ? name : null));
            throw;
        }
    }
}
