using System.Net.Sockets;
using Npgsql;
using Pgvector.Npgsql;

namespace MixtralPS.Core.Rag.Stores.Postgres;

/// <summary>Data sources for an index's database, and database failures in words that say what to do.</summary>
internal static class PostgresConnections
{
    /// <summary>
    /// A data source that maps pgvector's type. For writing, a multi-host string goes to the primary (Npgsql asks each
    /// host whether it is in recovery); for reading, the string's own Target Session Attributes apply (prefer-standby
    /// spreads queries over standbys).
    /// </summary>
    public static NpgsqlDataSource Create(PostgresIndexLocation location, bool forWriting)
    {
        var builder = new NpgsqlDataSourceBuilder(location.ConnectionString);
        builder.UseVector();
        if (forWriting && location.Hosts.Contains(',', StringComparison.Ordinal))
        {
            return builder.BuildMultiHost().WithTargetSession(TargetSessionAttributes.ReadWrite);
        }

        return builder.Build();
    }

    /// <summary>A plain data source without pgvector's type mapping (usable before the extension exists).</summary>
    public static NpgsqlDataSource CreatePlain(PostgresIndexLocation location, bool forWriting)
    {
        var builder = new NpgsqlDataSourceBuilder(location.ConnectionString);
        if (forWriting && location.Hosts.Contains(',', StringComparison.Ordinal))
        {
            return builder.BuildMultiHost().WithTargetSession(TargetSessionAttributes.ReadWrite);
        }

        return builder.Build();
    }

    /// <summary>Runs a database step, turning the failures users meet into index errors naming the index (never the password).</summary>
    public static async Task<T> Guard<T>(PostgresIndexLocation location, Func<Task<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(location, ex, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    public static Task Guard(PostgresIndexLocation location, Func<Task> step, CancellationToken cancellationToken) =>
        Guard(location, async () => { await step().ConfigureAwait(false); return true; }, cancellationToken);

    private static RagIndexException? Translate(PostgresIndexLocation location, Exception ex, CancellationToken cancellationToken)
    {
        if (ex is RagIndexException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        var where = location.Display;
        return ex switch
        {
            PostgresException { SqlState: "28P01" or "28000" } pg => new(RagIndexErrorKind.AccessDenied, where,
                $"The database refused the login for {where}: {pg.MessageText}. Check the user name and password (PGPASSWORD, a .pgpass file or Password= in the connection string).", ex),
            PostgresException { SqlState: "3D000" } pg => new(RagIndexErrorKind.NotFound, where,
                $"The database of {where} does not exist: {pg.MessageText}. Create it (createdb) or fix Database= in the connection string.", ex),
            PostgresException { SqlState: "25006" } => new(RagIndexErrorKind.ReadOnly, where,
                $"{where} is on a read-only server (a hot standby): writes go to the primary. Use the primary's host in -ConnectionString for New-RagIndex; standbys serve Find-RagContext.", ex),
            PostgresException { SqlState: "42501" } pg => new(RagIndexErrorKind.AccessDenied, where,
                $"The database role may not do this on {where}: {pg.MessageText}. Grant the role the rights it needs on the schema {location.Schema}, or use a role that has them.", ex),
            PostgresException { SqlState: "57P03" } pg => new(RagIndexErrorKind.Unreachable, where,
                $"The server of {where} is not accepting connections yet: {pg.MessageText}. Try again when it has started.", ex),
            NpgsqlException { InnerException: TimeoutException } or TimeoutException => new(RagIndexErrorKind.Unreachable, where,
                $"The server of {where} did not answer in time. Check that it runs and is reachable, or raise Timeout= (connecting) or Command Timeout= (queries) in the connection string.", ex),
            NpgsqlException { InnerException: SocketException or IOException } or SocketException => new(RagIndexErrorKind.Unreachable, where,
                $"Cannot reach the server of {where}: {ex.InnerException?.Message ?? ex.Message}. Check that PostgreSQL runs there and the host and port are right.", ex),
            NpgsqlException when ex.Message.Contains("No suitable host", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("Failed to connect", StringComparison.OrdinalIgnoreCase) => new(RagIndexErrorKind.Unreachable, where,
                $"Cannot reach a suitable server for {where}: {ex.Message}", ex),
            _ => null,
        };
    }
}
