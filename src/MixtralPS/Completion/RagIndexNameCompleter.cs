using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MixtralPS.Core.Rag.Stores.Postgres;
using MixtralPS.Infrastructure;
using Npgsql;

namespace MixtralPS.Completion;

/// <summary>
/// Completes -Name with the indexes in the database of -ConnectionString (or $env:MIXTRALPS_RAG_CONNECTION). Tab
/// completion must not hang the prompt: the connection gets two seconds, and any failure completes nothing.
/// </summary>
public sealed class RagIndexNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = fakeBoundParameters["ConnectionString"] as string ?? Environment.GetEnvironmentVariable(RagIndexParameters.ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connection))
        {
            return [];
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connection) { Timeout = 2, CommandTimeout = 2 };
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var typed = wordToComplete.Trim('\'', '"');
            return PostgresIndexCatalog.NamesAsync(builder.ConnectionString, cancel.Token).GetAwaiter().GetResult()
                .Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, $"index {n} in {builder.Host}/{builder.Database}"))
                .ToList();
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return [];
        }
    }
}
