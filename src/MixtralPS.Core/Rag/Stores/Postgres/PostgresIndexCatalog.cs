using Npgsql;

namespace MixtralPS.Core.Rag.Stores.Postgres;

/// <summary>The MixtralPS indexes a database holds (its mixtralps_* schemas with a meta table), for completion and listing.</summary>
public static class PostgresIndexCatalog
{
    public static async Task<IReadOnlyList<string>> NamesAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT substr(n.nspname, length($1) + 1) FROM pg_namespace n
            WHERE starts_with(n.nspname, $1) AND to_regclass(quote_ident(n.nspname) || '.meta') IS NOT NULL
            ORDER BY 1
            """);
        command.Parameters.AddWithValue(PostgresIndexLocation.SchemaPrefix);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
